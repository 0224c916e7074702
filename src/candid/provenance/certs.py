"""Local development certificates for C2PA signing.

C2PA requires an X.509 chain: an end-entity signing certificate (not self-signed,
``digitalSignature`` key usage, an extended key usage from the C2PA list such as
``id-kp-documentSigning``, not a CA) issued by a CA. :func:`make_dev_certificates`
builds such a chain with ES256 (ECDSA P-256 + SHA-256) keys, once, into a folder.

These certificates prove nothing about who signed: a validator reports them as
untrusted. They keep the manifest tamper-evident and let users swap in a real
certificate (``--cert`` / ``--key``) without code changes.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from pathlib import Path

from candid.errors import CandidError

#: Extended key usage OID accepted by C2PA for claim signing (document signing).
OID_DOCUMENT_SIGNING = "1.3.6.1.5.5.7.3.36"

CHAIN_NAME = "candid-dev-chain.pem"
KEY_NAME = "candid-dev-signer.key"
CA_NAME = "candid-dev-ca.pem"


@dataclass(frozen=True)
class CertificatePaths:
    """Where a signing chain lives: ``chain`` (signer first, then CA) and ``key`` (PKCS#8 PEM)."""

    chain: Path
    key: Path
    ca: Path | None = None


def default_cert_dir() -> Path:
    """The per-user folder for candid's development certificates."""
    import platformdirs

    return Path(platformdirs.user_data_dir("candid", appauthor=False)) / "c2pa"


def make_dev_certificates(folder: str | os.PathLike | None = None, *, force: bool = False,
                          common_name: str = "candid development signer") -> CertificatePaths:
    """Create (once) a self-made CA and an ES256 C2PA signing certificate under ``folder``.

    Parameters
    ----------
    folder : path, optional
        Where to keep the files; default :func:`default_cert_dir`.
    force : bool
        Regenerate even if the files exist.
    common_name : str
        Subject CN of the signing certificate.

    Returns
    -------
    CertificatePaths

    Examples
    --------
    >>> import tempfile
    >>> paths = make_dev_certificates(tempfile.mkdtemp())
    >>> paths.chain.read_text().count("BEGIN CERTIFICATE")
    2
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

    folder = Path(folder) if folder is not None else default_cert_dir()
    paths = CertificatePaths(chain=folder / CHAIN_NAME, key=folder / KEY_NAME, ca=folder / CA_NAME)
    if not force and paths.chain.is_file() and paths.key.is_file():
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "candid (development, untrusted)")])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = name("candid development CA")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _dt.timedelta(days=1))
        .not_valid_after(now + _dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name(common_name)).issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _dt.timedelta(days=1))
        .not_valid_after(now + _dt.timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ObjectIdentifier(OID_DOCUMENT_SIGNING),
                                              ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    chain = cert.public_bytes(pem) + ca_cert.public_bytes(pem)
    key_pem = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    from candid.files import atomic_write_bytes

    atomic_write_bytes(paths.ca, ca_cert.public_bytes(pem))
    atomic_write_bytes(paths.chain, chain)
    atomic_write_bytes(paths.key, key_pem)
    os.chmod(paths.key, 0o600)
    return paths


def check_certificate_files(chain: str | os.PathLike, key: str | os.PathLike) -> tuple[bytes, bytes]:
    """Read a PEM chain and key, refusing missing or non-PEM files with a clear error."""
    out = []
    for label, p in (("certificate chain", chain), ("private key", key)):
        p = Path(p)
        if not p.is_file():
            raise CandidError(f"{p}: {label} not found", hint="generate development certificates with "
                              "candid.provenance.make_dev_certificates() or pass your own PEM files")
        data = p.read_bytes()
        if b"-----BEGIN" not in data or len(data) > 1 << 20:
            raise CandidError(f"{p}: not a PEM {label}")
        out.append(data)
    return out[0], out[1]
