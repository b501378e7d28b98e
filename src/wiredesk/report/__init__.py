"""The HTML report (``wiredesk report``): one self-contained page of charts and tables drawn from the public
tables and views: stories over time, who copies whom, events on a map, feed health and runs.

``build`` says what each section shows, ``figures`` makes the Plotly charts (JSON), ``page`` writes the HTML
with plotly.js and the country outlines of ``geo`` inside it, so the file opens from disk with no server and
no network. Pure: the rows come from ``wiredesk.store.reader.Reader.report_rows``; reading the database and
writing the file is ``wiredesk.api.write_report``'s.
"""
