import pytest

pytestmark = pytest.mark.django_db


def test_pages_render(world, login) -> None:
    c = login("admin")
    for url in ["/", f"/region/{world.regions['220802000000'].code}/", "/households/",
                f"/households/{world.mine.number}/", f"/households/{world.mine.number}/edit/"]:
        r = c.get(url, follow=True)
        assert r.status_code == 200, (url, r.status_code)
