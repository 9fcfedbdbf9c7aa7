import pytest

pytestmark = pytest.mark.django_db


def test_pages_render(world, login) -> None:
    c = login("admin")
    for url in ["/", f"/region/{world.regions['220802000000'].code}/", "/households/",
                f"/households/{world.mine.number}/", f"/households/{world.mine.number}/edit/"]:
        r = c.get(url, follow=True)
        assert r.status_code == 200, (url, r.status_code)


def test_household_breadcrumbs_start_at_the_viewers_region(world, login) -> None:
    admin = login("admin").get(f"/households/{world.mine.number}/").context["p"].path
    assert [r.name for r in admin] == ["洮北区", "金祥乡", "新建村"]
    cadre = login("cadre").get(f"/households/{world.mine.number}/").context["p"].path
    assert [r.name for r in cadre] == ["新建村"]
