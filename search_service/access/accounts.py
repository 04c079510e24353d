"""Accounts: users, passwords, sign-in with lockout, server-side sessions and bearer tokens.

- Passwords are hashed with argon2id; rules follow common 等保 practice: at least 10
  characters from at least three of: lower case, upper case, digits, other characters.
- After :attr:`Accounts.lock_after` failed sign-ins in a row an account locks for
  :attr:`Accounts.lock_for`; a correct password does not open a locked account.
- A client address with :attr:`Accounts.address_limit` failed sign-ins (any accounts)
  within :attr:`Accounts.lock_for` is refused (429, with when to retry) until the oldest
  of them leaves that window. Counted from the access log, so all workers agree.
- Sessions live in the database (only a hash of the cookie value is stored) and end after
  :attr:`Accounts.idle` without use or :attr:`Accounts.max_age` in all. Each carries a CSRF
  token that state-changing requests must echo.
- Bearer tokens for scripts: created per user, stored as hashes, revocable; ``last_used`` is
  written at most once a minute, so a read's only write is its access-log record. Each keeps who
  created it; over HTTP only its owner can (``/api/me/tokens``), and a token the command line
  created for someone names its creator in every record of a request made with it.
- A disabled user is refused at once: sessions and tokens are checked against the user row on
  every request. Sign-in says "disabled" only after the right password.
- A name without an account is answered exactly like an account: "wrong", then locked after
  as many failures (:mod:`search_service.access.lockout`), so no answer confirms that a name exists.

Every change and every sign-in attempt is written to the access log in the same transaction
as the change itself, so nothing happens unlogged.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import (Boolean, Column, Engine, ForeignKey, Integer, String, Table, bindparam,
                        delete, func, insert, select, update)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from search_service.access.audit import (DENIED, AuditLog, Event, current_request, iso,
                                                 parse_iso, records)
from search_service.access.cache_versions import GRANTS, column
from search_service.access.lockout import UNKNOWN_USER, unknown_name_lockout
from search_service.access.passwords import too_common
from search_service.access.policy import ROLES, needs_unit, role_label
from search_service.access.users import User
from search_service.db import Base, UTCDateTime, serialized, utcnow
from search_service.dbapi import Compiled
from search_service.errors import (AccountError, AccountLockedError, LoginError,
                                   TooManyAttemptsError)

MIN_PASSWORD_LENGTH = 10
RATE_LIMITED = "rate_limited"  # reason of sign-ins refused for the address's failures
TOKEN_PREFIX = "ast_"
TOKEN_USE_GRANULARITY = timedelta(minutes=1)  # last_used is written at most this often
_NAME = re.compile(r"^[0-9A-Za-z_.\-\u4e00-\u9fff]{2,32}$")
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("timing-equaliser-not-a-password")

users = Table(
    "users", Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("org", String(128), nullable=False),
    Column("password_hash", String(256), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("password_changed_at", UTCDateTime, nullable=False),
)

sessions = Table(
    "sessions", Base.metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
)

tokens = Table(
    "api_tokens", Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("label", String(128), nullable=False),
    Column("created_by", String(64), nullable=False, server_default=""),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
)


@dataclass(frozen=True)
class UserInfo:
    """A user as administrators see it (never the password hash)."""

    name: str
    role: str
    org: str
    disabled: bool
    locked_until: datetime | None
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "role_label": role_label(self.role),
                "org": self.org, "disabled": self.disabled,
                "locked_until": self.locked_until.isoformat() if self.locked_until else None,
                "created_at": self.created_at.isoformat()}


@dataclass(frozen=True)
class Session:
    token: str  # the cookie value; only its hash is stored
    csrf_token: str
    user: User


def check_password(password: str, name: str = "") -> None:
    """Raise :class:`AccountError` saying what a password lacks."""
    classes = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]",
                                                          r"[^0-9A-Za-z]"))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符")
    if classes < 3:
        raise AccountError("密码须包含小写字母、大写字母、数字、其他符号中的至少三类")
    if name and name.lower() in password.lower():
        raise AccountError("密码不能包含用户名")
    if too_common(password, name):
        raise AccountError("密码过于常见（在泄露密码库或常用密码中，或由常见词加数字组成），"
                           "请换一个不易猜到的密码，例如几个不相关的词加数字和符号")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _user(row: Mapping[str, Any], grants_version: int | None = None) -> User:
    return User(name=row["name"], role=row["role"], org=row["org"],
                grants_version=grants_version)


class Accounts:
    def __init__(self, engine: Engine, audit: AuditLog, *,
                 clock: Callable[[], datetime] = utcnow,
                 idle: timedelta = timedelta(minutes=30),
                 max_age: timedelta = timedelta(hours=12),
                 lock_after: int = 5, lock_for: timedelta = timedelta(minutes=15),
                 address_limit: int = 20) -> None:
        self.engine = engine
        self.audit = audit
        self.clock = clock
        self.idle = idle
        self.max_age = max_age
        self.lock_after = lock_after
        self.lock_for = lock_for
        self.address_limit = address_limit

    # --- administration (each change logged in its own transaction) ------------------

    def create_user(self, actor: Any, name: str, password: str, role: str, org: str) -> UserInfo:
        _check_name(name)
        _check_role(role, org)
        check_password(password, name)
        now = self.clock()
        with serialized(self.engine) as conn:
            try:
                conn.execute(insert(users).values(
                    name=name, role=role, org=org, password_hash=_HASHER.hash(password),
                    disabled=False, failed_logins=0, created_at=now, password_changed_at=now))
            except IntegrityError as exc:
                raise AccountError(f"用户“{name}”已存在") from exc
            self.audit.append(Event.by(actor, "user_create", details={
                "name": name, "role": role, "org": org}), conn)
        return self.get(name)

    def set_role(self, actor: Any, name: str, role: str, org: str | None = None) -> UserInfo:
        current = self.get(name)
        org = current.org if org is None else org
        _check_role(role, org)
        with serialized(self.engine) as conn:
            conn.execute(update(users).where(users.c.name == name).values(role=role, org=org))
            self._end_sessions(conn, name)
            self.audit.append(Event.by(actor, "user_role", details={
                "name": name, "from": [current.role, current.org], "to": [role, org]}), conn)
        return self.get(name)

    def set_disabled(self, actor: Any, name: str, disabled: bool = True) -> UserInfo:
        self.get(name)
        with serialized(self.engine) as conn:
            conn.execute(update(users).where(users.c.name == name).values(disabled=disabled))
            if disabled:
                self._end_sessions(conn, name)
            self.audit.append(Event.by(actor, "user_disable" if disabled else "user_enable",
                                       details={"name": name}), conn)
        return self.get(name)

    def reset_password(self, actor: Any, name: str, password: str) -> UserInfo:
        self.get(name)
        check_password(password, name)
        with serialized(self.engine) as conn:
            conn.execute(update(users).where(users.c.name == name).values(
                password_hash=_HASHER.hash(password), password_changed_at=self.clock(),
                failed_logins=0, locked_until=None))
            self._end_sessions(conn, name)
            self.audit.append(Event.by(actor, "user_password", details={"name": name}), conn)
        return self.get(name)

    def unlock(self, actor: Any, name: str) -> UserInfo:
        """Open an account locked by failed sign-ins before its time is up."""
        self.get(name)
        with serialized(self.engine) as conn:
            conn.execute(update(users).where(users.c.name == name).values(
                failed_logins=0, locked_until=None))
            self.audit.append(Event.by(actor, "user_unlock", details={"name": name}), conn)
        return self.get(name)

    def create_token(self, actor: Any, name: str, label: str) -> tuple[int, str]:
        """A new bearer token for ``name``: (its id, the secret, shown only this once). The
        token remembers ``actor``; one made for someone else names its creator in the log."""
        user_id = self._user_id(name)
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with serialized(self.engine) as conn:
            token_id = conn.execute(insert(tokens).values(
                user_id=user_id, label=label or "script", token_hash=_hash(secret),
                created_by=actor.name, created_at=self.clock())).inserted_primary_key[0]
            self.audit.append(Event.by(actor, "token_create", details={
                "name": name, "token_id": token_id, "label": label}), conn)
        return token_id, secret

    def revoke_token(self, actor: Any, token_id: int, owner: str | None = None) -> None:
        """Revoke a token; with ``owner``, only one of that user's own tokens."""
        with serialized(self.engine) as conn:
            row = conn.execute(select(tokens.c.id, users.c.name).join(users)
                               .where(tokens.c.id == token_id)).first()
            if row is None or (owner is not None and row.name != owner):
                raise AccountError(f"没有编号为 {token_id} 的令牌")
            conn.execute(update(tokens).where(tokens.c.id == token_id,
                                              tokens.c.revoked_at.is_(None))
                         .values(revoked_at=self.clock()))
            self.audit.append(Event.by(actor, "token_revoke", details={
                "name": row.name, "token_id": token_id}), conn)

    # --- reading accounts --------------------------------------------------------------

    def get(self, name: str) -> UserInfo:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.name == name)).first()
        if row is None:
            raise AccountError(f"没有用户“{name}”")
        return _info(row)

    def list_users(self) -> list[UserInfo]:
        with self.engine.connect() as conn:
            return [_info(r) for r in conn.execute(select(users).order_by(users.c.name))]

    def list_tokens(self, name: str) -> list[dict[str, Any]]:
        user_id = self._user_id(name)
        with self.engine.connect() as conn:
            rows = conn.execute(select(tokens).where(tokens.c.user_id == user_id)
                                .order_by(tokens.c.id))
            return [{"id": r.id, "label": r.label, "created_by": r.created_by,
                     "created_at": r.created_at.isoformat(),
                     "last_used": r.last_used.isoformat() if r.last_used else None,
                     "revoked": r.revoked_at is not None} for r in rows]

    def _user_id(self, name: str) -> int:
        with self.engine.connect() as conn:
            user_id = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
        if user_id is None:
            raise AccountError(f"没有用户“{name}”")
        return user_id

    # --- signing in --------------------------------------------------------------------

    def login(self, name: str, password: str) -> Session:
        """A new session for ``name``, or :class:`LoginError` (logged either way)."""
        now = self.clock()
        with serialized(self.engine) as conn:
            row = conn.execute(select(users).where(users.c.name == name)).first()
            failure = (self._address_refusal(conn, row, name, now)
                       or self._refusal(conn, row, name, password, now))
            if failure is None:
                if _HASHER.check_needs_rehash(row.password_hash):
                    conn.execute(update(users).where(users.c.id == row.id)
                                 .values(password_hash=_HASHER.hash(password)))
                session = self._open_session(conn, row, now)
                self.audit.append(Event.by(session.user, "login"), conn)
        if failure is not None:
            raise failure
        return session

    def _refusal(self, conn: Connection, row: Any, name: str, password: str,
                 now: datetime) -> LoginError | None:
        """Why this sign-in fails (after logging it and counting it), or None."""
        if row is None:  # answered exactly as an account would be: no name is confirmed
            _verify(_DUMMY_HASH, password)  # same time as for a real user
            state = unknown_name_lockout(conn, name, now, self.lock_after, self.lock_for)
            error = (self._locked(state.locked_until, now) if state.locked_until
                     else self._failed(state.failures + 1))
            return self._deny(conn, name, "", "", UNKNOWN_USER, error)
        who = (row.name, row.role, row.org)
        if row.locked_until is not None and row.locked_until > now:
            return self._deny(conn, *who, "locked", self._locked(row.locked_until, now))
        if not _verify(row.password_hash, password):
            failures = row.failed_logins + 1
            locked = failures >= self.lock_after
            conn.execute(update(users).where(users.c.id == row.id).values(
                failed_logins=0 if locked else failures,
                locked_until=now + self.lock_for if locked else None))
            return self._deny(conn, *who, "locked_now" if locked else "bad_password",
                              self._failed(failures), failures=failures)
        if row.disabled:  # told only to who knows the password
            return self._deny(conn, *who, "disabled", LoginError("该账户已停用，请联系系统管理员"))
        return None

    def _failed(self, failures: int) -> LoginError:
        """The answer to a wrong password (or unknown name), the one that locks included."""
        if failures < self.lock_after:
            return LoginError("用户名或密码错误")
        return AccountLockedError(f"连续 {failures} 次登录失败，账户已锁定 "
                                  f"{int(self.lock_for.total_seconds() // 60)} 分钟")

    @staticmethod
    def _locked(until: datetime, now: datetime) -> AccountLockedError:
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        return AccountLockedError(f"连续登录失败次数过多，账户已锁定，请 {minutes} 分钟后再试")

    def _address_refusal(self, conn: Connection, row: Any, name: str,
                         now: datetime) -> LoginError | None:
        """Refuse (and log) a sign-in from an address with too many recent failures."""
        address = current_request.get().client_ip
        if not address:
            return None
        since = now - self.lock_for
        failures = conn.execute(
            select(func.count(), func.min(records.c.at)).where(
                records.c.action == "login_failed", records.c.client_ip == address,
                records.c.reason != RATE_LIMITED, records.c.at >= iso(since))).one()
        if failures[0] < self.address_limit:
            return None
        wait = max(1, math.ceil((parse_iso(failures[1]) - since).total_seconds()))
        who = (row.name, row.role, row.org) if row is not None else (name, "", "")
        minutes = max(1, math.ceil(wait / 60))
        return self._deny(conn, *who, RATE_LIMITED, TooManyAttemptsError(
            f"该地址登录失败次数过多，请 {minutes} 分钟后再试", wait), failures=failures[0])

    def _deny(self, conn: Connection, name: str, role: str, org: str, reason: str,
              error: LoginError, **details: Any) -> LoginError:
        self.audit.append(Event("login_failed", name, role, org, outcome=DENIED, reason=reason,
                                details=details), conn)
        return error

    def _open_session(self, conn: Connection, row: Any, now: datetime) -> Session:
        conn.execute(update(users).where(users.c.id == row.id).values(
            failed_logins=0, locked_until=None))
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        conn.execute(insert(sessions).values(token_hash=_hash(token), user_id=row.id,
                                             csrf_token=csrf, created_at=now, last_seen=now))
        return Session(token, csrf, _user(row._mapping))

    def session(self, token: str) -> Session | None:
        """The live session for a cookie value, touched; None if unknown, idle or disabled."""
        if not token:
            return None
        now = self.clock()
        key = _hash(token)
        with self.engine.connect() as conn:
            row = _SESSION_USER.first(conn, {"token_hash": key})
        if row is None:
            return None
        if (row["disabled"] or now - row["last_seen"] > self.idle
                or now - row["created_at"] > self.max_age):
            with self.engine.begin() as conn:
                conn.execute(delete(sessions).where(sessions.c.token_hash == key))
            return None
        if now - row["last_seen"] > timedelta(seconds=30):  # spare the database a write per request
            with self.engine.begin() as conn:
                conn.execute(update(sessions).where(sessions.c.token_hash == key)
                             .values(last_seen=now))
        return Session(token, row["csrf_token"], _user(row, row["grants_version"]))

    def logout(self, session: Session) -> None:
        with serialized(self.engine) as conn:
            conn.execute(delete(sessions).where(sessions.c.token_hash == _hash(session.token)))
            self.audit.append(Event.by(session.user, "logout"), conn)

    def token_user(self, secret: str) -> User | None:
        """The user of a live bearer token; None if unknown, revoked or the user disabled."""
        if not secret.startswith(TOKEN_PREFIX):
            return None
        with self.engine.connect() as conn:
            row = _TOKEN_USER.first(conn, {"token_hash": _hash(secret)})
        if row is None or row["revoked_at"] is not None or row["disabled"]:
            return None
        now = self.clock()
        if row["last_used"] is None or now - row["last_used"] >= TOKEN_USE_GRANULARITY:
            with self.engine.begin() as conn:  # its own short write, at most once a minute
                conn.execute(update(tokens).where(tokens.c.id == row["id"])
                             .values(last_used=now))
        issuer = row["created_by"] if row["created_by"] != row["name"] else ""
        return User(name=row["name"], role=row["role"], org=row["org"], token_id=row["id"],
                    issued_by=issuer, grants_version=row["grants_version"])

    def _end_sessions(self, conn: Connection, name: str) -> None:
        user_id = select(users.c.id).where(users.c.name == name).scalar_subquery()
        conn.execute(delete(sessions).where(sessions.c.user_id == user_id))


# Compiled once and run on the DB-API cursor (a request's only statement before its search:
# SQLAlchemy's execution costs more CPU than the database). The loan grants' counter comes
# with the row: one round trip, not two.
_TOKEN_USER = Compiled(select(tokens.c.id, tokens.c.revoked_at, tokens.c.created_by,
                              tokens.c.last_used, users.c.name, users.c.role, users.c.org,
                              users.c.disabled, column(GRANTS))
                       .join(users).where(tokens.c.token_hash == bindparam("token_hash")))
_SESSION_USER = Compiled(select(sessions, users.c.name, users.c.role, users.c.org,
                                users.c.disabled, column(GRANTS))
                         .join(users).where(sessions.c.token_hash == bindparam("token_hash")))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def _info(row: Any) -> UserInfo:
    return UserInfo(row.name, row.role, row.org, row.disabled, row.locked_until, row.created_at)


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise AccountError(f"用户名“{name}”无效：应为 2 到 32 个字母、数字、汉字或 _ . -")


def _check_role(role: str, org: str) -> None:
    if role not in ROLES:
        raise AccountError(f"未知角色“{role}”，可选：" + "、".join(
            f"{r.name}（{r.label}）" for r in ROLES.values()))
    if needs_unit(role) and not org.strip():
        raise AccountError(f"{role_label(role)}须指定所属供电单位，请从单位列表中选择")
