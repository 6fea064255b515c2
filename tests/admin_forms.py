"""Reading the admin's change forms back as a browser would submit them."""

from bs4 import BeautifulSoup


def form_data(response):
    """What the browser would send back from the admin's change form, untouched."""
    soup = BeautifulSoup(response.content, "html.parser")
    form = soup.select_one("form[method=post][id$=_form]")
    data = {}
    for field in form.select("input[name]"):
        kind = field.get("type", "text")
        if kind in {"submit", "button", "file", "image"}:
            continue
        if kind in {"checkbox", "radio"} and not field.has_attr("checked"):
            continue
        default = "on" if kind in {"checkbox", "radio"} else ""
        data.setdefault(field["name"], []).append(field.get("value", default))
    for field in form.select("textarea[name]"):
        data[field["name"]] = [field.text.removeprefix("\n")]
    for field in form.select("select[name]"):
        data[field["name"]] = [o.get("value", o.text) for o in field.select("option[selected]")]
    return data
