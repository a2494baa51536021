"""Static files: fingerprinted URLs with long cache headers; small pages."""

import re


def test_static_urls_carry_a_content_hash_and_are_cached_for_a_year(client):
    page = client.get("/login").get_data(as_text=True)
    css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]{12})"', page).group(1)
    with client.get(css) as response:
        assert response.status_code == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]


def test_pages_stay_small(logged_in, starter):
    for path in ("/", "/study", "/quiz", "/notes/starter/shell", "/settings"):
        html = logged_in.get(path).get_data()
        assets = 0
        for url in re.findall(
            rb'(?:href|src)="(/static/[^"]+\.(?:css|js)[^"]*)"', html
        ):
            with logged_in.get(url.decode()) as response:
                assets += len(response.get_data())
        assert len(html) + assets < 60_000, path
