"""The widgets of gradtui, one per module."""
