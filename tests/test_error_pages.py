"""Error pages keep the site layout."""

from elearn import create_app


def test_unknown_page_is_a_404_in_the_site_layout(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Halaman tidak ditemukan" in html and 'class="site"' in html


def test_server_error_is_a_500_in_the_site_layout(tmp_path):
    app = create_app({"PROPAGATE_EXCEPTIONS": False}, profile="test",
                     instance_path=str(tmp_path))

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.get_data(as_text=True)
