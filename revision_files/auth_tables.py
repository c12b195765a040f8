    op.create_table(
        "user",
        sa.Column("id", {{ ID }}, nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("full_name", sa.String(length=255), nullable=True),
        sa.Column("hashed_password", sa.String(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.Column("is_superuser", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("token_version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=NOW),
        sa.Column("updated_at", TIMESTAMP, nullable=False, server_default=NOW),
        sa.Column("row_version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
        sa.CheckConstraint('length("email") <= 320', name=op.f("ck_user_email_length")),
        sa.CheckConstraint('length("full_name") <= 255', name=op.f("ck_user_full_name_length")),
    )
{{- index("user", ["email", "id"], name="ix_user_email__sort") }}
{{- index("user", ["email"], unique=True, ignore_case=["email"]) }}
{{- index("user", ["created_at"]) }}
{{- index("user", ["updated_at"]) }}
    if op.get_context().dialect.name == "postgresql":
        # Every worker hears of a changed user, whoever changed it (auth/callers.py). OR
        # REPLACE: a sync that turns auth off drops the table and its trigger, not the function.
        op.execute(
            "CREATE OR REPLACE FUNCTION notify_user_changed() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN PERFORM pg_notify('user_changed', OLD.id::text); RETURN NULL; END $$"
        )
        op.execute(
            'CREATE TRIGGER user_changed AFTER UPDATE OR DELETE ON "user" '
            "FOR EACH ROW EXECUTE FUNCTION notify_user_changed()"
        )
    op.create_table(
        "refresh_token",
        sa.Column("id", {{ ID }}, nullable=False),
        sa.Column("token_id", sa.String(length=64), nullable=False),
        sa.Column("family", sa.String(length=64), nullable=False),
        sa.Column("user_id", {{ ID }}, nullable=False),
        sa.Column("used_at", TIMESTAMP, nullable=True),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_token")),
{{- foreign_key("refresh_token", "user_id", "user", "CASCADE") }}
    )
{{- index("refresh_token", ["token_id"], unique=True) }}
{{- index("refresh_token", ["family"]) }}
{{- index("refresh_token", ["user_id"]) }}
    op.create_table(
        "login_failure",
        sa.Column("id", {{ ID }}, nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("failed_at", TIMESTAMP, nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
{{- index("login_failure", ["email"]) }}
{{- index("login_failure", ["failed_at"]) }}
