"""assessments: review policy, prerequisites, attempt rules, autosave, attempt items

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 16:20:00.000000

Existing quizzes get the safe defaults: answers are revealed only once the
quiz is passed or no attempt is left, and a quiz opens once the lessons
before it are completed.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('modules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_policy', sa.String(length=20), nullable=False,
                                      server_default='after_pass'))
        batch_op.add_column(sa.Column('require_lessons', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
        batch_op.add_column(sa.Column('retry_after_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('time_limit_seconds', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_modules_review_policy_known'),
            "review_policy IN ('after_pass', 'after_last_attempt', 'immediately', 'never')")
        batch_op.create_check_constraint(
            op.f('ck_modules_retry_after_positive'), 'retry_after_seconds IS NULL OR retry_after_seconds > 0')
        batch_op.create_check_constraint(
            op.f('ck_modules_time_limit_positive'), 'time_limit_seconds IS NULL OR time_limit_seconds > 0')
    with op.batch_alter_table('modules', schema=None) as batch_op:
        batch_op.alter_column('review_policy', server_default=None)
        batch_op.alter_column('require_lessons', server_default=None)

    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('saved_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table('quiz_attempt_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('earned', sa.Double(), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=True),
    sa.CheckConstraint('points >= 1', name=op.f('ck_quiz_attempt_items_points_positive')),
    sa.CheckConstraint('earned >= 0 AND earned <= points', name=op.f('ck_quiz_attempt_items_earned_in_range')),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'], name=op.f('fk_quiz_attempt_items_attempt_id_quiz_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_quiz_attempt_items_module_id_modules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempt_items')),
    sa.UniqueConstraint('attempt_id', 'question_key', name=op.f('uq_item_attempt_question'))
    )
    with op.batch_alter_table('quiz_attempt_items', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_attempt_items_module_question', ['module_id', 'question_key'], unique=False)


def downgrade():
    with op.batch_alter_table('quiz_attempt_items', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_attempt_items_module_question')
    op.drop_table('quiz_attempt_items')
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_column('saved_at')
        batch_op.drop_column('deadline')
    with op.batch_alter_table('modules', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_modules_time_limit_positive'), type_='check')
        batch_op.drop_constraint(op.f('ck_modules_retry_after_positive'), type_='check')
        batch_op.drop_constraint(op.f('ck_modules_review_policy_known'), type_='check')
        batch_op.drop_column('time_limit_seconds')
        batch_op.drop_column('retry_after_seconds')
        batch_op.drop_column('require_lessons')
        batch_op.drop_column('review_policy')
