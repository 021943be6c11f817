"""report cells: the reports page's figures maintained per course and unit

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 01:30:00.000000

The reports page summed every enrolment and progress row on each view, so it
slowed down with the number of learners. report_cells holds one row per course
and learners' unit (unit_key 0: no unit) with its figures; triggers on
enrollments, course_completions, module_progress, users and modules bump a
cell's version when a write may change it, and the page recomputes only the
stale cells (elearn.reporting.report_cells). Existing data is summed into fresh
cells here.
"""
from alembic import op
import sqlalchemy as sa

from elearn.models import Module
from elearn.reporting import cell_triggers, report_cells


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_cells',
        sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('unit_key', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
        sa.Column('fresh_version', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('enrolled', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('completed', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('scored', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('score_sum', sa.Double(), server_default=sa.text('0'), nullable=False),
        sa.PrimaryKeyConstraint('course_id', 'unit_key', name=op.f('pk_report_cells')),
    )
    op.create_index('ix_report_cells_unit_key', 'report_cells', ['unit_key'], unique=False)
    connection = op.get_bind()
    cell_triggers.create(connection)
    # Modules have no role (pre-test) yet at this revision (0012 adds it).
    report_cells.rebuild(connection, counted=Module.for_learners_condition())


def downgrade():
    cell_triggers.drop(op.get_bind())
    op.drop_index('ix_report_cells_unit_key', table_name='report_cells')
    op.drop_table('report_cells')
