"""HTTPS for `evs-emulator serve --tls`: a private CA and a server certificate made at start.

The CA and the certificate live in `<state dir>/tls/` (`ca.pem`, `server.pem`, `server.key`). A
restart on the same state dir keeps them, so a client that trusts `ca.pem` keeps working. The
server certificate names `127.0.0.1`, `::1` and `localhost` (plus the host it serves on) and
is signed by the CA, which is what a client verifies against (`ca_cert`, clouds.yaml `cacert`).
Keys are EC P-256: quick to make on a slow machine.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALIDITY = datetime.timedelta(days=825)


@dataclass(frozen=True)
class TlsFiles:
    ca_cert: Path
    cert: Path
    key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "evs-emulator"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _alt_names(host: str | None) -> list:
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
             x509.IPAddress(ipaddress.ip_address("::1"))]
    if host:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            entry = x509.DNSName(host)
        else:
            entry = x509.IPAddress(address)
        if entry not in names and host not in ("0.0.0.0", "::"):
            names.append(entry)
    return names


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def make_certificates(directory: str | Path, host: str | None = "127.0.0.1") -> TlsFiles:
    """The CA and server certificate in ``directory`` (made if missing, else reused)."""
    directory = Path(directory)
    files = TlsFiles(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    if files.ca_cert.exists() and files.cert.exists() and files.key.exists():
        return files
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("evs-emulator test CA")
    ca_cert = (x509.CertificateBuilder()
               .subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now).not_valid_after(now + VALIDITY)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                            content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))

    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(_name("localhost")).issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + VALIDITY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName(_alt_names(host)), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))

    pem = serialization.Encoding.PEM
    # the key first and the CA last: a reader that sees the CA sees a complete set
    _write_private(files.key, key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()))
    files.cert.write_bytes(cert.public_bytes(pem))
    files.ca_cert.write_bytes(ca_cert.public_bytes(pem))
    return files
