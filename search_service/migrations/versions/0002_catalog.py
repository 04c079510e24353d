"""Document catalog and customer master data (indexer/catalog/tables.py), as main made them
with create_all before migrations existed.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from search_service.db import UTCDateTime

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('catalog_meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('customers',
    sa.Column('account_no', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('customer_class', sa.String(length=32), nullable=False),
    sa.Column('elec_type', sa.String(length=64), nullable=False),
    sa.Column('volt_level', sa.String(length=32), nullable=False),
    sa.Column('org', sa.String(length=128), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('phone', sa.String(length=64), nullable=False),
    sa.Column('id_number', sa.String(length=64), nullable=False),
    sa.Column('extra', sa.Text(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('account_no')
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customers_org'), ['org'], unique=False)

    op.create_table('documents',
    sa.Column('doc_id', sa.String(length=16), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('fs_path', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('file_type', sa.String(length=16), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('mtime', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('text_source', sa.String(length=32), nullable=False),
    sa.Column('ocr_confidence', sa.Float(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('account_no', sa.String(length=32), nullable=False),
    sa.Column('customer_name', sa.String(length=256), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('org', sa.String(length=128), nullable=False),
    sa.Column('customer_class', sa.String(length=32), nullable=False),
    sa.Column('elec_type', sa.String(length=64), nullable=False),
    sa.Column('volt_level', sa.String(length=32), nullable=False),
    sa.Column('doc_type', sa.String(length=16), nullable=False),
    sa.Column('doc_type_name', sa.String(length=64), nullable=False),
    sa.Column('doc_date', sa.String(length=10), nullable=False),
    sa.Column('year', sa.String(length=4), nullable=False),
    sa.Column('archive_no', sa.String(length=64), nullable=False),
    sa.Column('retention', sa.String(length=8), nullable=False),
    sa.Column('hazard_found', sa.String(length=8), nullable=False),
    sa.Column('hazard_status', sa.String(length=16), nullable=False),
    sa.Column('rectify_deadline', sa.String(length=10), nullable=False),
    sa.Column('extraction_version', sa.Integer(), nullable=False),
    sa.Column('cataloged_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('removed_at', UTCDateTime(), nullable=True),
    sa.Column('batch', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('doc_id'),
    sa.UniqueConstraint('path')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_account_no'), ['account_no'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_archive_no'), ['archive_no'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_batch'), ['batch'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_doc_date'), ['doc_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_doc_type'), ['doc_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_org'), ['org'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_status'))
        batch_op.drop_index(batch_op.f('ix_documents_sha256'))
        batch_op.drop_index(batch_op.f('ix_documents_org'))
        batch_op.drop_index(batch_op.f('ix_documents_doc_type'))
        batch_op.drop_index(batch_op.f('ix_documents_doc_date'))
        batch_op.drop_index(batch_op.f('ix_documents_batch'))
        batch_op.drop_index(batch_op.f('ix_documents_archive_no'))
        batch_op.drop_index(batch_op.f('ix_documents_account_no'))

    op.drop_table('documents')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_org'))

    op.drop_table('customers')
    op.drop_table('catalog_meta')
