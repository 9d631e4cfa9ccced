"""The analysts' workbench: server-rendered pages (Jinja2 and htmx) on the service.

Pages call the same service functions as the JSON API (``tianluo.service``); charts
(ECharts), link graphs (Cytoscape.js) and htmx come from the npm registry into
``static/vendor`` at install time, so nothing is fetched at run time.
"""

from tianluo.web.mount import install_workbench

__all__ = ["install_workbench"]
