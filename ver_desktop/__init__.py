"""ver_desktop: organise a video collection by the emotion its audio carries."""

__version__ = "0.1.0"
