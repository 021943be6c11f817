"""revoke category: why a certificate was revoked, shown on its public page

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 19:30:00.000000

Certificates revoked before this migration get the category 'other'; their
free-text reason stays where it was, for admins only.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoke_category', sa.String(length=30), nullable=True))
    op.execute("UPDATE certificates SET revoke_category = 'other' WHERE status = 'revoked'")
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_certificates_revoke_category_known'),
            "revoke_category IN ('data_error', 'requirements_not_met', 'dishonesty', 'duplicate', 'other')")
        batch_op.create_check_constraint(
            op.f('ck_certificates_revoked_has_category'),
            "status <> 'revoked' OR revoke_category IS NOT NULL")


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_certificates_revoked_has_category'), type_='check')
        batch_op.drop_constraint(op.f('ck_certificates_revoke_category_known'), type_='check')
        batch_op.drop_column('revoke_category')
