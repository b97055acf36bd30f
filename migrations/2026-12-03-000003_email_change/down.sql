DELETE FROM user_tokens WHERE purpose = 'change_email';
ALTER TABLE user_tokens DROP CONSTRAINT user_tokens_new_email_check;
ALTER TABLE user_tokens DROP CONSTRAINT user_tokens_purpose_check;
ALTER TABLE user_tokens ADD CONSTRAINT user_tokens_purpose_check
    CHECK (purpose IN ('verify_email', 'reset_password'));
ALTER TABLE user_tokens DROP COLUMN new_email;
