"""Courses on the platform: import, export, permissions and web authoring services."""
