"""Render the store as a static, cited briefing site."""

from .links import BrokenLink, LinkChecker, check_links
from .site import BuildReport, build_site

__all__ = ["BrokenLink", "BuildReport", "LinkChecker", "build_site", "check_links"]
