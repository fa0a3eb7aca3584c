"""Web hardening (issue 15): redirects, paging, headers, input boundary, flashes."""

from __future__ import annotations

from sqlalchemy import func, select
from web.staffkit import PASSWORD, csrf_of, login

from followup.models import AuditEvent


def test_a_crlf_in_next_signs_in_and_goes_to_the_queue(client, nurse):
    client.get("/login")
    response = client.post("/login", data={
        "email": nurse.email, "password": PASSWORD, "csrf_token": csrf_of(client),
        "next": "/patients\r\nSet-Cookie: evil=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "evil" not in response.headers.get("Set-Cookie", "")
    for target in ("/\\evil.example/", "/\tx", "/\x7f"):
        assert login(client, nurse.email).status_code == 302
        client.get("/login")
        again = client.get("/login?next=" + target.replace("\\", "%5C").replace("\t", "%09")
                           .replace("\x7f", "%7F"))
        assert again.headers["Location"] == "/", target


def test_an_absurd_audit_page_shows_the_last_page(as_admin, svc):
    response = as_admin.get("/admin/audit?page=99999999999999999999")
    assert response.status_code == 200
    with svc.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) >= 1
    assert "user.login" in response.get_data(as_text=True)
    assert as_admin.get("/admin/audit?page=-99999999999999999999").status_code == 200
