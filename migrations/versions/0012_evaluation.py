"""evaluation: pre-tests, course evaluations and module feedback

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 17:00:00

A quiz gets a role (graded, or a pre-test taken before the lessons); a course
may make its evaluation required before the certificate. Learners' course
evaluations (one per learner and course, a rating per question key) and their
"was this module helpful?" answers get tables of their own.

On SQLite the role is added and dropped in place (ALTER TABLE), never by a
batch copy of ``modules``: with foreign keys on, dropping the old table would
cascade to every learner's progress and attempts.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('courses', sa.Column('evaluation_required', sa.Boolean(),
                                       server_default=sa.false(), nullable=False))
    if op.get_bind().dialect.name == 'sqlite':
        # In place, not a batch copy of the table: with foreign keys on, dropping the
        # old modules table would cascade to every learner's progress and attempts.
        op.execute("ALTER TABLE modules ADD COLUMN role VARCHAR(10) DEFAULT 'graded' NOT NULL "
                   "CONSTRAINT ck_modules_role_known CHECK (role IN ('graded', 'pretest')) "
                   "CONSTRAINT ck_modules_pretest_is_quiz CHECK (role = 'graded' OR kind = 'quiz')")
    else:
        op.add_column('modules', sa.Column('role', sa.String(length=10), server_default='graded',
                                           nullable=False))
        op.create_check_constraint(op.f('ck_modules_role_known'), 'modules',
                                   "role IN ('graded', 'pretest')")
        op.create_check_constraint(op.f('ck_modules_pretest_is_quiz'), 'modules',
                                   "role = 'graded' OR kind = 'quiz'")

    op.create_table('course_evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_course_evaluations_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_course_evaluations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_evaluations')),
    sa.UniqueConstraint('user_id', 'course_id', name='uq_evaluation_user_course')
    )
    op.create_index(op.f('ix_course_evaluations_course_id'), 'course_evaluations',
                    ['course_id'], unique=False)
    op.create_table('evaluation_ratings',
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=40), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_evaluation_ratings_rating_range')),
    sa.ForeignKeyConstraint(['evaluation_id'], ['course_evaluations.id'], name=op.f('fk_evaluation_ratings_evaluation_id_course_evaluations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('evaluation_id', 'question_key', name=op.f('pk_evaluation_ratings'))
    )
    op.create_index('ix_evaluation_ratings_question', 'evaluation_ratings',
                    ['question_key', 'rating'], unique=False)
    op.create_table('module_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_module_feedback_module_id_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_module_feedback_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_feedback')),
    sa.UniqueConstraint('user_id', 'module_id', name='uq_feedback_user_module')
    )
    op.create_index(op.f('ix_module_feedback_module_id'), 'module_feedback', ['module_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_module_feedback_module_id'), table_name='module_feedback')
    op.drop_table('module_feedback')
    op.drop_index('ix_evaluation_ratings_question', table_name='evaluation_ratings')
    op.drop_table('evaluation_ratings')
    op.drop_index(op.f('ix_course_evaluations_course_id'), table_name='course_evaluations')
    op.drop_table('course_evaluations')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ALTER TABLE modules DROP COLUMN role")  # in place (see the upgrade)
    else:
        op.drop_constraint(op.f('ck_modules_pretest_is_quiz'), 'modules', type_='check')
        op.drop_constraint(op.f('ck_modules_role_known'), 'modules', type_='check')
        op.drop_column('modules', 'role')
    # Not in batch mode: SQLite drops the column in place (see 0011).
    op.drop_column('courses', 'evaluation_required')
