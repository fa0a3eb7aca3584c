"""Which product codes are immune globulin: the clinic-editable list, loaded once.

NDCs are written many ways (4-4-2, 5-3-2, 5-4-1 with dashes; 11 digits
without): each is brought to the 11-digit 5-4-2 form and matched on its
labeler and product (the first 9 digits), so every package size of a listed
product counts.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_FILE = Path(__file__).resolve().parent / "ivig_codes.toml"
NDC_SYSTEMS = ("http://hl7.org/fhir/sid/ndc", "NDC", "N4")
RXNORM_SYSTEMS = ("http://www.nlm.nih.gov/research/umls/rxnorm", "RXNORM", "RxNorm")
_SEGMENTS = ((4, 4, 2), (5, 3, 2), (5, 4, 1), (5, 4, 2), (4, 4), (5, 3), (5, 4))


class CodesError(ValueError):
    """The code list cannot be used; the message names the file and entry."""


def ndc_product(code: str) -> str | None:
    """The 9-digit labeler+product of an NDC in any common form, or None."""
    text = code.strip()
    if re.fullmatch(r"\d{11}", text):
        return text[:9]
    parts = text.split("-")
    if not all(p.isdigit() for p in parts):
        return None
    lengths = tuple(len(p) for p in parts)
    if lengths not in _SEGMENTS:
        return None
    return parts[0].zfill(5) + parts[1].zfill(4)


@dataclass
class CodeList:
    ndc: dict[str, str] = field(default_factory=dict)  # 9-digit product -> name
    rxnorm: dict[str, str] = field(default_factory=dict)
    local: dict[str, str] = field(default_factory=dict)  # "system|code" -> name

    def product(self, system: str | None, code: str | None) -> str | None:
        """The product's name if (system, code) is an immune globulin, else None."""
        if not code:
            return None
        system = (system or "").strip()
        if system in NDC_SYSTEMS:
            key = ndc_product(code)
            return self.ndc.get(key) if key else None
        if system in RXNORM_SYSTEMS:
            return self.rxnorm.get(code.strip())
        return self.local.get(f"{system}|{code.strip()}")


@lru_cache(maxsize=8)
def load_codes(path: str = "") -> CodeList:
    file = Path(path) if path else DEFAULT_FILE
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CodesError(f"{file}: not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise CodesError(f"{file}: not valid TOML ({exc})") from None
    products = data.get("product")
    if not isinstance(products, list) or not products:
        raise CodesError(f"{file}: needs at least one [[product]]")
    codes = CodeList()
    for i, entry in enumerate(products):
        where = f"{file}: product[{i}]"
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise CodesError(f"{where}.name: required")
        unknown = set(entry) - {"name", "ndc", "rxnorm", "local"}
        if unknown:
            raise CodesError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        for kind in ("ndc", "rxnorm", "local"):
            values = entry.get(kind, [])
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise CodesError(f"{where}.{kind}: must be a list of codes")
            for value in values:
                if kind == "ndc":
                    key = ndc_product(value)
                    if key is None:
                        raise CodesError(f"{where}.ndc: {value!r} is not an NDC "
                                         "such as 13533-800")
                    codes.ndc[key] = name
                elif kind == "local" and "|" not in value:
                    raise CodesError(f"{where}.local: {value!r} must be \"system|code\"")
                else:
                    getattr(codes, kind)[value.strip()] = name
    return codes
