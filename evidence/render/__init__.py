"""Render the store as a static, cited briefing site."""

from .links import BrokenLink, check_links
from .site import BuildReport, build_site

__all__ = ["BrokenLink", "BuildReport", "build_site", "check_links"]
