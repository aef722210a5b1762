"""ORM tables. The migrations in :mod:`callmate.store.migrations` create them.

``tests/test_store.py`` checks that a database built by the migrations has
exactly these tables and columns, so the two never drift apart.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from callmate.store.stable_ids import new_uuid


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


# Full-text search lives in FTS5 virtual tables (search_notes, search_calls,
# search_research, search_contacts) created and kept current by migration 5's
# triggers; the repository queries them with plain SQL.
SEARCH_TABLES = ("search_notes", "search_calls", "search_research", "search_contacts")


class ContactRow(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_last_call_at", "last_call_at"),
        Index("ux_contacts_uuid", "uuid", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str | None] = mapped_column(String(36), nullable=True, default=new_uuid)
    """Stable across databases (migration 13); NULL only until its trigger fills it."""
    name: Mapped[str] = mapped_column(Text, nullable=False)
    company: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False, server_default="other")
    last_call_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """Kept by a trigger on calls: "going cold" is an indexed range, not a scan."""
    email: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    phone: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    title: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    """Migration 14 (issue 21): how to reach them, and their job title; '' when not known."""

    calls: Mapped[list[CallRow]] = relationship(back_populates="contact")


class CallRow(Base):
    __tablename__ = "calls"
    __table_args__ = (
        Index("ix_calls_started_at", "started_at"),
        Index("ix_calls_contact_id", "contact_id"),
        Index("ix_calls_next_step_due", "next_step_due"),
        Index("ix_calls_status", "status"),
        Index(
            "ix_calls_open_steps",
            "next_step_due",
            sqlite_where=text("next_step_done_at IS NULL"),
        ),
        Index("ix_calls_follows", "follows_call_id"),
        Index(
            "ix_calls_discarded",
            "discarded_at",
            sqlite_where=text("discarded_at IS NOT NULL"),
        ),
        Index(
            "ix_calls_streak",
            "contact_id",
            "started_at",
            "connection",
            sqlite_where=text("discarded_at IS NULL"),
        ),
        Index("ux_calls_uuid", "uuid", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str | None] = mapped_column(String(36), nullable=True, default=new_uuid)
    """Stable across databases (migration 13)."""
    contact_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("contacts.id", ondelete="RESTRICT"), nullable=False
    )
    goal: Mapped[str] = mapped_column(Text, nullable=False)
    backup_goal: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    next_step_what: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_step_owner: Mapped[str | None] = mapped_column(String(16), nullable=True)
    next_step_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    next_step_time: Mapped[str | None] = mapped_column(String(5), nullable=True)
    """'HH:MM' local time on next_step_due, or None for a day without a time."""
    call_type: Mapped[str] = mapped_column(String(24), nullable=False, server_default="discovery")
    paused_seconds: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reason: Mapped[str | None] = mapped_column(String(24), nullable=True)
    reason_text: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    goal_result: Mapped[str | None] = mapped_column(String(16), nullable=True)
    recap_subject: Mapped[str | None] = mapped_column(Text, nullable=True)
    recap_body: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_step_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    follows_call_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("calls.id", ondelete="SET NULL"), nullable=True
    )

    connection: Mapped[str] = mapped_column(String(16), nullable=False, server_default="connected")
    discarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """Set when the call was discarded (started by mistake); None for every kept call."""

    contact: Mapped[ContactRow] = relationship(back_populates="calls")
    questions: Mapped[list[QuestionRow]] = relationship(
        order_by="QuestionRow.position", cascade="all, delete-orphan", passive_deletes=True
    )
    notes: Mapped[list[NoteRow]] = relationship(
        order_by="NoteRow.id",
        primaryjoin="and_(CallRow.id == NoteRow.call_id, NoteRow.deleted_at.is_(None))",
        viewonly=True,
    )
    """The call's notes, without those deleted (they stay in the table for undo)."""
    research: Mapped[list[ResearchRow]] = relationship(
        order_by="ResearchRow.position", cascade="all, delete-orphan", passive_deletes=True
    )
    moves: Mapped[list[DateMoveRow]] = relationship(order_by="DateMoveRow.id", viewonly=True)
    """Every earlier date of the next step and of the commitments, oldest first."""


class QuestionRow(Base):
    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_call_id", "call_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("calls.id", ondelete="CASCADE"), nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    asked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    origin: Mapped[str] = mapped_column(String(16), nullable=False, server_default="own")


class NoteRow(Base):
    __tablename__ = "notes"
    __table_args__ = (
        Index("ix_notes_call_id", "call_id"),
        Index(
            "ix_notes_open_commitments",
            "due",
            sqlite_where=text(
                "kind IN ('ours', 'theirs') AND done_at IS NULL AND deleted_at IS NULL"
            ),
        ),
        Index("ux_notes_uuid", "uuid", unique=True),
        Index(
            "ix_notes_commitments_kept",
            "due",
            "kind",
            "done_at",
            sqlite_where=text(
                "kind IN ('ours', 'theirs') AND done_at IS NOT NULL AND deleted_at IS NULL"
            ),
        ),
        Index(
            "ix_notes_quotes",
            "call_id",
            sqlite_where=text("kind = 'quote' AND deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str | None] = mapped_column(String(36), nullable=True, default=new_uuid)
    """Stable across databases (migration 13)."""
    call_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("calls.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    offset_seconds: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    due: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_time: Mapped[str | None] = mapped_column(String(5), nullable=True)
    """'HH:MM' local time on due, or None."""
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    owner: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    in_email: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class ResearchRow(Base):
    __tablename__ = "research"
    __table_args__ = (Index("ix_research_call_id", "call_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("calls.id", ondelete="CASCADE"), nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    area: Mapped[str] = mapped_column(String(16), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    said: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="0")


class DateMoveRow(Base):
    """A date that slipped: the next step's (``note_id`` None) or a commitment's.

    Migration 7's triggers (11's, which also see a time change) write these
    when a date changes; import writes the
    history it reads.
    """

    __tablename__ = "date_moves"
    __table_args__ = (Index("ix_date_moves_call_id", "call_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("calls.id", ondelete="CASCADE"), nullable=False
    )
    note_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("notes.id", ondelete="CASCADE"), nullable=True
    )
    from_date: Mapped[date] = mapped_column(Date, nullable=False)
    to_date: Mapped[date] = mapped_column(Date, nullable=False)
    from_time: Mapped[str | None] = mapped_column(String(5), nullable=True)
    to_time: Mapped[str | None] = mapped_column(String(5), nullable=True)
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
