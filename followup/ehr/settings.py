"""The ``[ehr]`` settings: identifier systems, the code list, the write-back target.

Read with the rest of the configuration at start-up (``config.load_settings``)
so a missing key file or a wrong auth mode stops the service with the key named.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from followup.config_loader import ConfigError, setting


def _http_url_or_empty(value: str) -> str | None:
    if value and not value.startswith(("http://", "https://")):
        return "must start with http:// or https://"
    return None


@dataclass(frozen=True)
class EhrSettings:
    """``[ehr]``: EHR integration (docs/ehr-integration.md)."""

    mrn_system: str = setting(
        "", description="The identifier system of the clinic's MRNs (Patient.identifier.system "
                        "in FHIR). Empty: the identifier typed MR (v2-0203), else none.")
    codes_file: str = setting(
        "", description="The clinic-editable list of immune globulin product codes. Empty: the "
                        "one shipped in followup/ehr/ivig_codes.toml.")
    hl7_max_message_bytes: int = setting(
        1_000_000, minimum=1024,
        description="HL7 v2 over MLLP: messages larger than this are refused (AR), the "
                    "connection closed, the listener goes on.")
    writeback_url: str = setting(
        "", normalize=lambda url: url.rstrip("/"), check=_http_url_or_empty,
        description="Flags written back to the chart as FHIR Communication. Empty: off.")
    writeback_auth: str = setting(
        "bearer", choices=("bearer", "smart"),
        description="\"bearer\" (a fixed token) or \"smart\" (SMART Backend Services).")
    bearer_token: str = ""
    smart_token_url: str = ""
    smart_client_id: str = ""
    smart_private_key_file: str = ""
    smart_key_id: str = ""
    smart_algorithm: str = setting(
        "RS384", choices=("RS384", "ES384"),
        description="SMART Backend Services allows RS384 or ES384.")
    smart_scope: str = "system/Communication.write"
    timeout_seconds: float = setting(10.0, minimum=0.1)
    retry_base_seconds: float = setting(60.0, minimum=0)
    retry_max_seconds: float = setting(3600.0, minimum=0)
    max_attempts: int = setting(10, minimum=1)
    batch_size: int = setting(50, minimum=1)

    @property
    def writeback_enabled(self) -> bool:
        return bool(self.writeback_url)

    def cross_check(self) -> None:
        """What a write-back target needs, and a code list that loads."""
        url, auth = self.writeback_url, self.writeback_auth
        if url and auth == "bearer" and not self.bearer_token:
            raise ConfigError("ehr.bearer_token: required when ehr.writeback_url is set and "
                              "ehr.writeback_auth is \"bearer\" (or use \"smart\")")
        if url and auth == "smart":
            for key in ("smart_token_url", "smart_client_id", "smart_private_key_file"):
                if not getattr(self, key):
                    raise ConfigError(f"ehr.{key}: required when ehr.writeback_auth is \"smart\"")
            if not Path(self.smart_private_key_file).is_file():
                raise ConfigError(f"ehr.smart_private_key_file: no file "
                                  f"{self.smart_private_key_file}")
        from followup.ehr.codes import CodesError, load_codes

        try:
            load_codes(self.codes_file)
        except CodesError as exc:
            raise ConfigError(f"ehr.codes_file: {exc}") from None
