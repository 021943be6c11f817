"""offline submissions: what learners did offline, settled once per item

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 08:10:00

A lesson marked completed or a quiz submitted without a connection reaches the
server later, maybe more than once; each item's key is recorded with its
outcome so that a second send gets the same answer instead of a second record.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('offline_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('message', sa.JSON(), nullable=False),
    sa.Column('course_slug', sa.String(length=200), nullable=False),
    sa.Column('module_slug', sa.String(length=200), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('completion', 'quiz', 'attempt')", name=op.f('ck_offline_submissions_kind_known')),
    sa.CheckConstraint("status IN ('recorded', 'refused')", name=op.f('ck_offline_submissions_status_known')),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'], name=op.f('fk_offline_submissions_attempt_id_quiz_attempts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_offline_submissions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offline_submissions')),
    sa.UniqueConstraint('user_id', 'key', name='uq_offline_submission_key')
    )


def downgrade():
    op.drop_table('offline_submissions')
