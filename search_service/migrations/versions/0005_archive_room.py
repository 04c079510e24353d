"""The archive room (issue 10): loans and their items, handover batches and items, paper
locations, disposals (search_service/archive_room/tables.py).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from search_service.db import UTCDateTime

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('disposals',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('doc_id', sa.String(length=16), nullable=False),
    sa.Column('org', sa.String(length=128), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('proposed_by', sa.String(length=64), nullable=False),
    sa.Column('proposed_at', UTCDateTime(), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('decided_at', UTCDateTime(), nullable=True),
    sa.Column('record', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('disposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disposals_doc_id'), ['doc_id'], unique=False)

    op.create_table('handover_batches',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_no', sa.String(length=64), nullable=False),
    sa.Column('org', sa.String(length=128), nullable=False),
    sa.Column('accounts', sa.Text(), nullable=False),
    sa.Column('submitted_by', sa.String(length=64), nullable=False),
    sa.Column('submitted_at', UTCDateTime(), nullable=False),
    sa.Column('gaps', sa.Text(), nullable=False),
    sa.Column('gaps_reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('received_by', sa.String(length=64), nullable=False),
    sa.Column('closed_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('batch_no')
    )
    with op.batch_alter_table('handover_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_batches_org'), ['org'], unique=False)
        batch_op.create_index(batch_op.f('ix_handover_batches_status'), ['status'], unique=False)

    op.create_table('loans',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('requester', sa.String(length=64), nullable=False),
    sa.Column('requester_role', sa.String(length=32), nullable=False),
    sa.Column('requester_org', sa.String(length=128), nullable=False),
    sa.Column('org', sa.String(length=128), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('purpose_text', sa.Text(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('original', sa.Boolean(), nullable=False),
    sa.Column('paper', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_at', UTCDateTime(), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('decided_at', UTCDateTime(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('starts_at', UTCDateTime(), nullable=True),
    sa.Column('due_at', UTCDateTime(), nullable=True),
    sa.Column('renewal_of', sa.Integer(), nullable=True),
    sa.Column('ended_at', UTCDateTime(), nullable=True),
    sa.Column('ended_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['renewal_of'], ['loans.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loans_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_loans_org'), ['org'], unique=False)
        batch_op.create_index(batch_op.f('ix_loans_requester'), ['requester'], unique=False)
        batch_op.create_index(batch_op.f('ix_loans_status'), ['status'], unique=False)

    op.create_table('handover_items',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('doc_id', sa.String(length=16), nullable=False),
    sa.Column('account_no', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('decided_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['handover_batches.id'], ),
    sa.PrimaryKeyConstraint('batch_id', 'doc_id')
    )
    with op.batch_alter_table('handover_items', schema=None) as batch_op:
        batch_op.create_index('ix_handover_items_doc', ['doc_id'], unique=False)

    op.create_table('loan_items',
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('value', sa.String(length=32), nullable=False),
    sa.Column('label', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], ),
    sa.PrimaryKeyConstraint('loan_id', 'kind', 'value')
    )
    op.create_table('paper_locations',
    sa.Column('account_no', sa.String(length=32), nullable=False),
    sa.Column('store', sa.String(length=64), nullable=False),
    sa.Column('cabinet', sa.String(length=32), nullable=False),
    sa.Column('shelf', sa.String(length=32), nullable=False),
    sa.Column('box', sa.String(length=32), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('out_loan', sa.Integer(), nullable=True),
    sa.Column('out_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['out_loan'], ['loans.id'], ),
    sa.PrimaryKeyConstraint('account_no')
    )


def downgrade() -> None:
    op.drop_table('paper_locations')
    op.drop_table('loan_items')
    with op.batch_alter_table('handover_items', schema=None) as batch_op:
        batch_op.drop_index('ix_handover_items_doc')

    op.drop_table('handover_items')
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loans_status'))
        batch_op.drop_index(batch_op.f('ix_loans_requester'))
        batch_op.drop_index(batch_op.f('ix_loans_org'))
        batch_op.drop_index(batch_op.f('ix_loans_due_at'))

    op.drop_table('loans')
    with op.batch_alter_table('handover_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_batches_status'))
        batch_op.drop_index(batch_op.f('ix_handover_batches_org'))

    op.drop_table('handover_batches')
    with op.batch_alter_table('disposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disposals_doc_id'))

    op.drop_table('disposals')
