"""Charts drawn once as shapes, then written as inline SVG (the dashboard) or PNG (chat).

Pure functions of their data: no I/O, no clock. `build` lays a chart out as shapes in a fixed
coordinate space; `svg.render` and `png.render` only paint those shapes, so the picture in a chat
and on the dashboard is the same chart. Every chart carries its title, a one-sentence summary
and its figures as a table, for screen readers and for anyone who would rather read.

Hand-laid rather than a plotting library: the dashboard draws a dozen charts per page within a
few milliseconds, and the SVG must carry its own accessible name and table.
"""
