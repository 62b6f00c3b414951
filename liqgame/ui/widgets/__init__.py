"""The play screen's widgets: chart, ticket, panels, feed."""
