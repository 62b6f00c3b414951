"""One module per screen: each composes widgets and carries its own CSS."""
