import pytest

from .helpers import small_game


@pytest.fixture
def game():
    return small_game()
