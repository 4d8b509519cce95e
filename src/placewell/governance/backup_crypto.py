"""Encryption of backup files: AES-256-GCM in 1 MiB chunks, with a key from the environment.

A backup holds every person's data, so it is written encrypted and readable by its owner only (mode 0600),
as the NHS Data Security and Protection Toolkit asks of backups (assertion 7.3) and OWASP ASVS 4.0.3 asks of
stored sensitive data (6.2.1, 8.1.6). The format streams, so a large database never has to fit in memory:

- a header: ``MAGIC``, a random 16-byte salt and a 16-byte key check (HMAC-SHA256 of the salt under the
  key, so a wrong key is told apart from a damaged file);
- the file key: HKDF-SHA256 (RFC 5869) of the backup key with the salt, so no two files share a key;
- the body: chunks sealed with AES-GCM (NIST SP 800-38D) under nonce = chunk number (11 bytes) + a flag
  byte that is 1 on the last chunk only, the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár,
  "Online Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance" (CRYPTO 2015). A chunk changed,
  reordered or removed, or a file cut short, fails to decrypt, and nothing is restored.

The key is 32 random bytes in URL-safe base64 (``generate_key``), from ``PLACEWELL_BACKUP_KEY`` or a file
named by ``PLACEWELL_BACKUP_KEY_FILE``. Without either, production (``PLACEWELL_PRODUCTION=true``) refuses
to back up; anywhere else a demo key is made in ``var/demo/backup.key``, like the demo's research key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

MAGIC = b"PLACEWELL-BACKUP-1\n"
SALT = 16
CHECK = 16
CHUNK = 1 << 20
TAG = 16
KEY_ENV = "PLACEWELL_BACKUP_KEY"
KEY_FILE_ENV = "PLACEWELL_BACKUP_KEY_FILE"


class BackupCryptoError(RuntimeError):
    """A key that cannot be used, or a file that cannot be decrypted; the message says what to do."""


def generate_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _decode(value: str, where: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(value.strip().encode())
    except ValueError:
        key = b""
    if len(key) != 32:
        raise BackupCryptoError(
            f"The backup key in {where} must be 32 random bytes in URL-safe base64 (44 characters). "
            "Make one with: ./run manage backup_key"
        )
    return key


def demo_key_file() -> Path:
    return Path(settings.VAR_DIR) / "demo" / "backup.key"


def load_key(environ: Mapping[str, str] | None = None) -> bytes:
    """The backup key from the environment; in production, an error saying how to set it when there is
    none; elsewhere the demo key in var/demo/backup.key, made on first use."""
    env = os.environ if environ is None else environ
    if value := env.get(KEY_ENV, ""):
        return _decode(value, KEY_ENV)
    if path := env.get(KEY_FILE_ENV, ""):
        try:
            return _decode(Path(path).read_text(encoding="utf-8"), path)
        except OSError as exc:
            raise BackupCryptoError(f"The backup key file {path} cannot be read: {exc.strerror}") from None
    if env.get("PLACEWELL_PRODUCTION", "").strip().lower() in {"1", "true", "yes", "on"}:
        raise BackupCryptoError(
            f"Set {KEY_ENV} (or {KEY_FILE_ENV}) before backing up or restoring: production backups are "
            "never written without a key of your own. Make one with: ./run manage backup_key"
        )
    demo = demo_key_file()
    if not demo.exists():
        demo.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(demo, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(generate_key() + "\n")
    return _decode(demo.read_text(encoding="utf-8"), str(demo))


def create_private(path: Path) -> int:
    """Open a new file that only its owner can read or write (0600), refusing to overwrite one."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


def _file_key(key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"placewell backup file").derive(key)
    return AESGCM(derived)


def _check(key: bytes, salt: bytes) -> bytes:
    return hmac.new(key, b"key-check" + salt, hashlib.sha256).digest()[:CHECK]


def _nonce(n: int, last: bool) -> bytes:
    return n.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def encrypt_file(source: Path, target: Path, key: bytes) -> None:
    """Write ``source`` encrypted to the new file ``target`` (0600)."""
    salt = secrets.token_bytes(SALT)
    header = MAGIC + salt + _check(key, salt)
    aead = _file_key(key, salt)
    with source.open("rb") as src, os.fdopen(create_private(target), "wb") as out:
        out.write(header)
        n, chunk = 0, src.read(CHUNK)
        while True:
            following = src.read(CHUNK)
            last = not following
            out.write(aead.encrypt(_nonce(n, last), chunk, header))
            if last:
                break
            n, chunk = n + 1, following
        out.flush()
        os.fsync(out.fileno())


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def decrypt_file(source: Path, target: Path, key: bytes) -> None:
    """Write ``source`` decrypted to the new file ``target`` (0600), or raise BackupCryptoError having
    removed ``target``: every chunk is checked before the caller uses any of it."""
    try:
        with source.open("rb") as src, os.fdopen(create_private(target), "wb") as out:
            header = src.read(len(MAGIC) + SALT + CHECK)
            if not header.startswith(MAGIC):
                raise BackupCryptoError(
                    f"{source} is not an encrypted Placewell backup. Restore only files made by ./run backup"
                )
            if len(header) < len(MAGIC) + SALT + CHECK:
                raise BackupCryptoError(f"{source} is cut short: it ends inside its header")
            salt = header[len(MAGIC) : len(MAGIC) + SALT]
            if not hmac.compare_digest(header[-CHECK:], _check(key, salt)):
                raise BackupCryptoError(
                    f"{source} was encrypted with a different key from {KEY_ENV}. Set the key it was made "
                    "with; nothing has been restored"
                )
            aead = _file_key(key, salt)
            n, block = 0, src.read(CHUNK + TAG)
            while True:
                following = src.read(CHUNK + TAG)
                try:
                    out.write(aead.decrypt(_nonce(n, not following), block, header))
                except InvalidTag:
                    raise BackupCryptoError(
                        f"{source} cannot be decrypted: it has been changed or cut short (at chunk {n + 1}). "
                        "Use another backup; nothing has been restored"
                    ) from None
                if not following:
                    break
                n, block = n + 1, following
    except BaseException:
        target.unlink(missing_ok=True)
        raise
