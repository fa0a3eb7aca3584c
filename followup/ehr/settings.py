"""The ``[ehr]`` settings: identifier systems, the code list, the write-back target.

Parsed with the rest of the configuration at start-up (``config.build_settings``)
so a missing key file or a wrong auth mode stops the service with the key named.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    # The identifier system of the clinic's MRNs (Patient.identifier.system in
    # FHIR). Empty: the identifier typed MR (v2-0203), else none.
    "mrn_system": "",
    # The clinic-editable list of immune globulin product codes. Empty: the one
    # shipped in followup/ehr/ivig_codes.toml.
    "codes_file": "",
    # HL7 v2 over MLLP: messages larger than this are refused (AR), the
    # connection closed, the listener goes on.
    "hl7_max_message_bytes": 1_000_000,
    # Flags written back to the chart as FHIR Communication. Empty: off.
    "writeback_url": "",
    # "bearer" (a fixed token) or "smart" (SMART Backend Services).
    "writeback_auth": "bearer",
    "bearer_token": "",
    "smart_token_url": "",
    "smart_client_id": "",
    "smart_private_key_file": "",
    "smart_key_id": "",
    "smart_algorithm": "RS384",
    "smart_scope": "system/Communication.write",
    "timeout_seconds": 10.0,
    "retry_base_seconds": 60,
    "retry_max_seconds": 3600,
    "max_attempts": 10,
    "batch_size": 50,
}


@dataclass(frozen=True)
class EhrSettings:
    mrn_system: str
    codes_file: str
    hl7_max_message_bytes: int
    writeback_url: str
    writeback_auth: str
    bearer_token: str
    smart_token_url: str
    smart_client_id: str
    smart_private_key_file: str
    smart_key_id: str
    smart_algorithm: str
    smart_scope: str
    timeout_seconds: float
    retry_base_seconds: float
    retry_max_seconds: float
    max_attempts: int
    batch_size: int

    @property
    def writeback_enabled(self) -> bool:
        return bool(self.writeback_url)


def build_ehr_settings(raw: dict[str, Any]) -> EhrSettings:
    from followup.config import ConfigError, _number, _str

    auth = _str(raw, "ehr.writeback_auth")
    if auth not in ("bearer", "smart"):
        raise ConfigError(f"ehr.writeback_auth: must be \"bearer\" or \"smart\", got {auth!r}")
    url = _str(raw, "ehr.writeback_url").rstrip("/")
    if url and not url.startswith(("http://", "https://")):
        raise ConfigError("ehr.writeback_url: must start with http:// or https://")
    algorithm = _str(raw, "ehr.smart_algorithm")
    if algorithm not in ("RS384", "ES384"):
        raise ConfigError("ehr.smart_algorithm: SMART Backend Services allows RS384 or ES384")
    settings = EhrSettings(
        mrn_system=_str(raw, "ehr.mrn_system"),
        codes_file=_str(raw, "ehr.codes_file"),
        hl7_max_message_bytes=int(_number(raw, "ehr.hl7_max_message_bytes", minimum=1024)),
        writeback_url=url,
        writeback_auth=auth,
        bearer_token=_str(raw, "ehr.bearer_token"),
        smart_token_url=_str(raw, "ehr.smart_token_url"),
        smart_client_id=_str(raw, "ehr.smart_client_id"),
        smart_private_key_file=_str(raw, "ehr.smart_private_key_file"),
        smart_key_id=_str(raw, "ehr.smart_key_id"),
        smart_algorithm=algorithm,
        smart_scope=_str(raw, "ehr.smart_scope"),
        timeout_seconds=_number(raw, "ehr.timeout_seconds", minimum=0.1),
        retry_base_seconds=_number(raw, "ehr.retry_base_seconds", minimum=0),
        retry_max_seconds=_number(raw, "ehr.retry_max_seconds", minimum=0),
        max_attempts=int(_number(raw, "ehr.max_attempts", minimum=1)),
        batch_size=int(_number(raw, "ehr.batch_size", minimum=1)),
    )
    if url and auth == "bearer" and not settings.bearer_token:
        raise ConfigError("ehr.bearer_token: required when ehr.writeback_url is set and "
                          "ehr.writeback_auth is \"bearer\" (or use \"smart\")")
    if url and auth == "smart":
        for key in ("smart_token_url", "smart_client_id", "smart_private_key_file"):
            if not getattr(settings, key):
                raise ConfigError(f"ehr.{key}: required when ehr.writeback_auth is \"smart\"")
        if not Path(settings.smart_private_key_file).is_file():
            raise ConfigError(f"ehr.smart_private_key_file: no file "
                              f"{settings.smart_private_key_file}")
    from followup.ehr.codes import CodesError, load_codes

    try:
        load_codes(settings.codes_file)
    except CodesError as exc:
        raise ConfigError(f"ehr.codes_file: {exc}") from None
    return settings
