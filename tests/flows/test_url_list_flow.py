"""A URL list through the Prefect flow: its pages are fetched by the URL stages as tasks, with the flow's
``url_column`` parameter naming the CSV's URL column."""

import duckdb

from wiredesk_flows.ingest import ingest_flow

from support.localserver import static

BODY = ("<p>The council met on Tuesday to discuss the harbour project, which has divided residents for years. "
        "Officials said the vote would take place next month after a final round of public consultation.</p>") * 3


def test_a_csv_url_list_runs_through_the_flow_with_its_url_column(prefect_harness, server, tmp_path, db):
    server.route("/robots.txt", static(b"User-agent: *\nAllow: /\n", "text/plain"))
    for i in range(2):
        server.route(f"/p/{i}", static(f"<html><head><title>Page {i}</title></head><body><article>{BODY}"
                                       "</article></body></html>".encode(), "text/html"))
    config = tmp_path / "wiredesk.toml"
    config.write_text('[http]\nallow_networks = ["127.0.0.1/32"]\nper_host_delay = 0\n'
                      f'[feeds]\nsources_file = "{tmp_path / "none.toml"}"\n[ingest]\nworkers = 1\n')
    listing = tmp_path / "pages.csv"
    listing.write_text("a,b\n" + "".join(f"x,{server.url(f'/p/{i}')}\n" for i in range(2)))
    summary = ingest_flow(paths=[str(listing)], db=db, config=str(config), url_column="b")
    assert summary.status == "completed" and summary.counts.documents_new == 2
    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM fetches WHERE purpose = 'article' AND status = 200").fetchone() == (2,)
