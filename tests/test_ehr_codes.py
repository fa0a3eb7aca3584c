"""The clinic-editable list of immune globulin products."""

from __future__ import annotations

from pathlib import Path

import pytest

from followup.ehr.codes import CodesError, load_codes, ndc_product

NDC = "http://hl7.org/fhir/sid/ndc"


@pytest.mark.parametrize("written", ["13533-0800-40", "13533-800-40", "13533080040",
                                     "13533-800", "13533-0800-71"])
def test_every_way_of_writing_a_listed_ndc_matches(written: str) -> None:
    assert load_codes().product(NDC, written) == "Gamunex-C"


@pytest.mark.parametrize("written", ["1353308004", "13533-0801-40", "abc", "", "0409-4888-10"])
def test_other_products_and_non_ndcs_do_not(written: str) -> None:
    assert load_codes().product(NDC, written) is None


def test_a_4_4_2_ndc_is_padded_like_the_11_digit_form() -> None:
    assert ndc_product("0944-2700-02") == ndc_product("00944270002") == "009442700"


def test_a_clinic_list_with_its_own_codes(tmp_path: Path) -> None:
    path = tmp_path / "codes.toml"
    path.write_text('[[product]]\nname = "House IVIG"\nlocal = ["urn:oid:1.2.3|IVIG10"]\n'
                    'rxnorm = ["123456"]\n')
    codes = load_codes(str(path))
    assert codes.product("urn:oid:1.2.3", "IVIG10") == "House IVIG"
    assert codes.product("http://www.nlm.nih.gov/research/umls/rxnorm", "123456") == "House IVIG"
    assert codes.product(NDC, "13533-0800-40") is None  # only what the clinic lists


@pytest.mark.parametrize(("text", "words"), [
    ("", "at least one [[product]]"),
    ('[[product]]\nndc = ["13533-800"]', "product[0].name: required"),
    ('[[product]]\nname = "X"\nndc = ["13533/800"]', "product[0].ndc"),
    ('[[product]]\nname = "X"\nlocal = ["IVIG10"]', "system|code"),
    ('[[product]]\nname = "X"\ncolour = "red"', "unknown key 'colour'"),
])
def test_a_broken_list_names_the_entry(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "codes.toml"
    path.write_text(text)
    with pytest.raises(CodesError, match=words.replace("[", r"\[").replace("]", r"\]")
                       .replace("|", r"\|")):
        load_codes(str(path))
