"""the whole domain

Revision ID: 0001
Revises: 
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('worker_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('record_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    op.create_table('district',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('setting',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('triple_c_entry',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('theme', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('response', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('responded_date', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('triple_c_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_triple_c_entry_entry_date'), ['entry_date'], unique=False)

    op.create_table('holiday_activity',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('venue', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('district_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('holiday_period', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=False),
    sa.Column('max_age', sa.Integer(), nullable=False),
    sa.Column('eligible_impact', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('haf', sa.Boolean(), nullable=False),
    sa.Column('funding', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('cost_pence', sa.Integer(), nullable=False),
    sa.Column('staff_notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('archived_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('holiday_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holiday_activity_district_id'), ['district_id'], unique=False)

    op.create_table('household',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('postcode', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('district_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ref')
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_district_id'), ['district_id'], unique=False)

    op.create_table('school',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('district_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('phase', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('on_list', sa.Boolean(), nullable=False),
    sa.Column('champion_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('champion_since', sa.Date(), nullable=True),
    sa.Column('champion_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_school_name'), ['name'], unique=False)

    op.create_table('worker',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('initials', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('district_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_district_id'), ['district_id'], unique=False)

    op.create_table('activity_day',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('activity_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('day_date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('end_time', sa.Time(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['holiday_activity.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('activity_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_day_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_day_day_date'), ['day_date'], unique=False)

    op.create_table('awareness_session',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('session_date', sa.Date(), nullable=False),
    sa.Column('audience', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('district_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('worker_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('awareness_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awareness_session_session_date'), ['session_date'], unique=False)

    op.create_table('cared_for',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('household_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('cared_for', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cared_for_household_id'), ['household_id'], unique=False)

    op.create_table('carer',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('carer_ref', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('first_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('last_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('preferred_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('sex', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('ethnicity', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('disability', sa.Boolean(), nullable=False),
    sa.Column('household_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('district_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('worker_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('caring_tasks', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('impact_level', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('needs_referral_details', sa.Boolean(), nullable=False),
    sa.Column('fsm', sa.Boolean(), nullable=False),
    sa.Column('send', sa.Boolean(), nullable=False),
    sa.Column('last_contact_date', sa.Date(), nullable=True),
    sa.Column('archived_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], ),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('carer_ref')
    )
    with op.batch_alter_table('carer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_carer_date_of_birth'), ['date_of_birth'], unique=False)
        batch_op.create_index(batch_op.f('ix_carer_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_carer_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_carer_name', ['last_name', 'first_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_carer_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_carer_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_carer_worker_id'), ['worker_id'], unique=False)

    op.create_table('club',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('district_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('venue', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=False),
    sa.Column('max_age', sa.Integer(), nullable=False),
    sa.Column('frequency', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('nth_weekday', sa.Integer(), nullable=True),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('end_time', sa.Time(), nullable=True),
    sa.Column('first_date', sa.Date(), nullable=True),
    sa.Column('last_date', sa.Date(), nullable=True),
    sa.Column('worker_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], ),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('club', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_club_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_club_worker_id'), ['worker_id'], unique=False)

    op.create_table('sealed_return',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('folder_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('path', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('manifest_sha256', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('made_by_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('synced_to', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('synced_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['made_by_id'], ['worker.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('folder_name')
    )
    op.create_table('training_session',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('session_date', sa.Date(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('audience', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('professionals_trained', sa.Integer(), nullable=False),
    sa.Column('worker_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_session_session_date'), ['session_date'], unique=False)

    op.create_table('booking',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('activity_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('carer_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('waiting_position', sa.Integer(), nullable=True),
    sa.Column('dietary', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('allergies', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('medical', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('medication', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('photo_consent', sa.Boolean(), nullable=True),
    sa.Column('emergency_contact', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('collection', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('transport', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('cancel_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('booked_by_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['holiday_activity.id'], ),
    sa.ForeignKeyConstraint(['booked_by_id'], ['worker.id'], ),
    sa.ForeignKeyConstraint(['carer_id'], ['carer.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('activity_id', 'carer_id')
    )
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_carer_id'), ['carer_id'], unique=False)

    op.create_table('bus_pass',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('carer_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('applied_date', sa.Date(), nullable=False),
    sa.Column('issued_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['carer_id'], ['carer.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('bus_pass', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bus_pass_carer_id'), ['carer_id'], unique=False)

    op.create_table('care_relationship',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('carer_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('cared_for_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('relationship', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['cared_for_id'], ['cared_for.id'], ),
    sa.ForeignKeyConstraint(['carer_id'], ['carer.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('carer_id', 'cared_for_id')
    )
    with op.batch_alter_table('care_relationship', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_relationship_cared_for_id'), ['cared_for_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_relationship_carer_id'), ['carer_id'], unique=False)

    op.create_table('cared_for_condition',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('cared_for_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('condition', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['cared_for_id'], ['cared_for.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cared_for_id', 'condition')
    )
    with op.batch_alter_table('cared_for_condition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cared_for_condition_cared_for_id'), ['cared_for_id'], unique=False)

    op.create_table('club_member',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('club_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('carer_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('joined_date', sa.Date(), nullable=True),
    sa.Column('left_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['carer_id'], ['carer.id'], ),
    sa.ForeignKeyConstraint(['club_id'], ['club.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('club_id', 'carer_id')
    )
    with op.batch_alter_table('club_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_club_member_carer_id'), ['carer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_club_member_club_id'), ['club_id'], unique=False)

    op.create_table('club_session',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('club_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('session_date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('end_time', sa.Time(), nullable=True),
    sa.Column('one_off', sa.Boolean(), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('cancel_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['club_id'], ['club.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('club_id', 'session_date', 'start_time')
    )
    with op.batch_alter_table('club_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_club_session_club_id'), ['club_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_club_session_session_date'), ['session_date'], unique=False)

    op.create_table('contact',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('carer_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('worker_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('contact_date', sa.Date(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['carer_id'], ['carer.id'], ),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_carer_id'), ['carer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_contact_date'), ['contact_date'], unique=False)

    op.create_table('feedback',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('feedback_date', sa.Date(), nullable=False),
    sa.Column('carer_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('satisfied', sa.Boolean(), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['carer_id'], ['carer.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_feedback_date'), ['feedback_date'], unique=False)

    op.create_table('referral',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('carer_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('referral_date', sa.Date(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('referrer_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('referrer_contact', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('consent', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('consent_date', sa.Date(), nullable=True),
    sa.Column('consent_given_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('worker_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('allocated_date', sa.Date(), nullable=True),
    sa.Column('assessment_completed_date', sa.Date(), nullable=True),
    sa.Column('impact_level', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('closed_date', sa.Date(), nullable=True),
    sa.Column('closure_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('closure_note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('reopened_count', sa.Integer(), nullable=False),
    sa.Column('import_key', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['carer_id'], ['carer.id'], ),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('import_key')
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_allocated_date'), ['allocated_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_carer_id'), ['carer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_closed_date'), ['closed_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_referral_date'), ['referral_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_worker_id'), ['worker_id'], unique=False)

    op.create_table('safeguarding_entry',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('theme', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('carer_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('worker_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['carer_id'], ['carer.id'], ),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('safeguarding_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safeguarding_entry_entry_date'), ['entry_date'], unique=False)

    op.create_table('assessment',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('carer_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('referral_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('started_date', sa.Date(), nullable=True),
    sa.Column('completed_date', sa.Date(), nullable=True),
    sa.Column('completed_by_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('circumstances_change', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('participants', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('info_shared_in_advance', sa.Boolean(), nullable=True),
    sa.Column('info_in_usable_form', sa.Boolean(), nullable=True),
    sa.Column('combined_with_other', sa.Boolean(), nullable=True),
    sa.Column('combined_with', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('impact_level', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['carer_id'], ['carer.id'], ),
    sa.ForeignKeyConstraint(['completed_by_id'], ['worker.id'], ),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_carer_id'), ['carer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_status'), ['status'], unique=False)

    op.create_table('attendance',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('session_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('carer_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('transport', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('walk_in', sa.Boolean(), nullable=False),
    sa.Column('marked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('marked_by_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['carer_id'], ['carer.id'], ),
    sa.ForeignKeyConstraint(['marked_by_id'], ['worker.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['club_session.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_id', 'carer_id')
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_carer_id'), ['carer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_session_id'), ['session_id'], unique=False)

    op.create_table('booking_day',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('booking_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('day_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('attendance', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('marked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], ),
    sa.ForeignKeyConstraint(['day_id'], ['activity_day.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('booking_id', 'day_id')
    )
    with op.batch_alter_table('booking_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_day_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_day_day_id'), ['day_id'], unique=False)

    op.create_table('booking_offer',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('booking_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('offered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('offered_by_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('response', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('responded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], ),
    sa.ForeignKeyConstraint(['offered_by_id'], ['worker.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('booking_offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_offer_booking_id'), ['booking_id'], unique=False)

    op.create_table('review',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('carer_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('referral_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('review_date', sa.Date(), nullable=False),
    sa.Column('worker_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('satisfied', sa.Boolean(), nullable=True),
    sa.Column('satisfaction_comment', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('next_step', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('completed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['carer_id'], ['carer.id'], ),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], ),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_carer_id'), ['carer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_review_date'), ['review_date'], unique=False)

    op.create_table('assessment_score',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('assessment_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('instrument', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('item', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assessment_id', 'instrument', 'item')
    )
    with op.batch_alter_table('assessment_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_score_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('assessment_section',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('assessment_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('section', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assessment_id', 'section')
    )
    with op.batch_alter_table('assessment_section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_section_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('plan_action',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('carer_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('assessment_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('what', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('who', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('done_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ),
    sa.ForeignKeyConstraint(['carer_id'], ['carer.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plan_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_action_carer_id'), ['carer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_action_due_date'), ['due_date'], unique=False)

    op.create_table('review_outcome',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('review_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('rating', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('review_id', 'outcome')
    )
    with op.batch_alter_table('review_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_outcome_review_id'), ['review_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('review_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_outcome_review_id'))

    op.drop_table('review_outcome')
    with op.batch_alter_table('plan_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_action_due_date'))
        batch_op.drop_index(batch_op.f('ix_plan_action_carer_id'))

    op.drop_table('plan_action')
    with op.batch_alter_table('assessment_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_section_assessment_id'))

    op.drop_table('assessment_section')
    with op.batch_alter_table('assessment_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_score_assessment_id'))

    op.drop_table('assessment_score')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_review_date'))
        batch_op.drop_index(batch_op.f('ix_review_referral_id'))
        batch_op.drop_index(batch_op.f('ix_review_carer_id'))

    op.drop_table('review')
    with op.batch_alter_table('booking_offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booking_offer_booking_id'))

    op.drop_table('booking_offer')
    with op.batch_alter_table('booking_day', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booking_day_day_id'))
        batch_op.drop_index(batch_op.f('ix_booking_day_booking_id'))

    op.drop_table('booking_day')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_session_id'))
        batch_op.drop_index(batch_op.f('ix_attendance_carer_id'))

    op.drop_table('attendance')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_status'))
        batch_op.drop_index(batch_op.f('ix_assessment_referral_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_carer_id'))

    op.drop_table('assessment')
    with op.batch_alter_table('safeguarding_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safeguarding_entry_entry_date'))

    op.drop_table('safeguarding_entry')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_worker_id'))
        batch_op.drop_index(batch_op.f('ix_referral_referral_date'))
        batch_op.drop_index(batch_op.f('ix_referral_closed_date'))
        batch_op.drop_index(batch_op.f('ix_referral_carer_id'))
        batch_op.drop_index(batch_op.f('ix_referral_allocated_date'))

    op.drop_table('referral')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_feedback_date'))

    op.drop_table('feedback')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_contact_date'))
        batch_op.drop_index(batch_op.f('ix_contact_carer_id'))

    op.drop_table('contact')
    with op.batch_alter_table('club_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_club_session_session_date'))
        batch_op.drop_index(batch_op.f('ix_club_session_club_id'))

    op.drop_table('club_session')
    with op.batch_alter_table('club_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_club_member_club_id'))
        batch_op.drop_index(batch_op.f('ix_club_member_carer_id'))

    op.drop_table('club_member')
    with op.batch_alter_table('cared_for_condition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cared_for_condition_cared_for_id'))

    op.drop_table('cared_for_condition')
    with op.batch_alter_table('care_relationship', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_relationship_carer_id'))
        batch_op.drop_index(batch_op.f('ix_care_relationship_cared_for_id'))

    op.drop_table('care_relationship')
    with op.batch_alter_table('bus_pass', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bus_pass_carer_id'))

    op.drop_table('bus_pass')
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booking_carer_id'))
        batch_op.drop_index(batch_op.f('ix_booking_activity_id'))

    op.drop_table('booking')
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_session_session_date'))

    op.drop_table('training_session')
    op.drop_table('sealed_return')
    with op.batch_alter_table('club', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_club_worker_id'))
        batch_op.drop_index(batch_op.f('ix_club_district_id'))

    op.drop_table('club')
    with op.batch_alter_table('carer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_carer_worker_id'))
        batch_op.drop_index(batch_op.f('ix_carer_status'))
        batch_op.drop_index(batch_op.f('ix_carer_school_id'))
        batch_op.drop_index('ix_carer_name')
        batch_op.drop_index(batch_op.f('ix_carer_household_id'))
        batch_op.drop_index(batch_op.f('ix_carer_district_id'))
        batch_op.drop_index(batch_op.f('ix_carer_date_of_birth'))

    op.drop_table('carer')
    with op.batch_alter_table('cared_for', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cared_for_household_id'))

    op.drop_table('cared_for')
    with op.batch_alter_table('awareness_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awareness_session_session_date'))

    op.drop_table('awareness_session')
    with op.batch_alter_table('activity_day', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_day_day_date'))
        batch_op.drop_index(batch_op.f('ix_activity_day_activity_id'))

    op.drop_table('activity_day')
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worker_district_id'))

    op.drop_table('worker')
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_name'))
        batch_op.drop_index(batch_op.f('ix_school_district_id'))

    op.drop_table('school')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_district_id'))

    op.drop_table('household')
    with op.batch_alter_table('holiday_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holiday_activity_district_id'))

    op.drop_table('holiday_activity')
    with op.batch_alter_table('triple_c_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_triple_c_entry_entry_date'))

    op.drop_table('triple_c_entry')
    op.drop_table('setting')
    op.drop_table('district')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
