// @generated automatically by Diesel CLI.

diesel::table! {
    agent_reply_counts (workspace_id, quarter, user_id) {
        workspace_id -> Uuid,
        quarter -> Timestamptz,
        user_id -> Uuid,
        replies -> Int4,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        name -> Text,
        prefix -> Text,
        key_hash -> Bytea,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        scopes -> Array<Nullable<Text>>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        actor_id -> Nullable<Uuid>,
        actor_name -> Text,
        action -> Text,
        detail -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    billing_accounts (workspace_id) {
        workspace_id -> Uuid,
        stripe_customer_id -> Nullable<Text>,
        stripe_subscription_id -> Nullable<Text>,
        plan -> Nullable<Text>,
        status -> Nullable<Text>,
        seats -> Int4,
        unit_amount -> Nullable<Int8>,
        currency -> Nullable<Text>,
        current_period_end -> Nullable<Timestamptz>,
        trial_end -> Nullable<Timestamptz>,
        cancel_at_period_end -> Bool,
        payment_failed_at -> Nullable<Timestamptz>,
        trial_used -> Bool,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    canned_responses (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        shortcut -> Text,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    contact_attributes (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        key -> Text,
        label -> Text,
        value_type -> Text,
        options -> Array<Nullable<Text>>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    contacts (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        name -> Nullable<Text>,
        email -> Nullable<Text>,
        created_at -> Timestamptz,
        last_seen_at -> Timestamptz,
        external_id -> Nullable<Text>,
        attributes -> Jsonb,
        current_url -> Nullable<Text>,
        page_title -> Nullable<Text>,
        referrer -> Nullable<Text>,
        browser -> Nullable<Text>,
        os -> Nullable<Text>,
        language -> Nullable<Text>,
        time_zone -> Nullable<Text>,
        identity_verified -> Bool,
        blocked_at -> Nullable<Timestamptz>,
        blocked_by -> Nullable<Uuid>,
    }
}

diesel::table! {
    conversation_labels (conversation_id, label_id) {
        workspace_id -> Uuid,
        conversation_id -> Uuid,
        label_id -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    conversation_ratings (conversation_id) {
        conversation_id -> Uuid,
        workspace_id -> Uuid,
        agent_id -> Nullable<Uuid>,
        score -> Int2,
        comment -> Nullable<Text>,
        first_rated_at -> Timestamptz,
        rated_at -> Timestamptz,
    }
}

diesel::table! {
    conversations (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        contact_id -> Uuid,
        status -> Text,
        assignee_id -> Nullable<Uuid>,
        last_seq -> Int8,
        visitor_read_seq -> Int8,
        agent_read_seq -> Int8,
        last_message_at -> Timestamptz,
        snoozed_until -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        visitor_emailed_seq -> Int8,
        agents_emailed_seq -> Int8,
        first_reply_at -> Nullable<Timestamptz>,
        first_reply_by -> Nullable<Uuid>,
        resolved_at -> Nullable<Timestamptz>,
        resolved_by -> Nullable<Uuid>,
        channel -> Text,
        email_subject -> Nullable<Text>,
    }
}

diesel::table! {
    email_messages (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        conversation_id -> Uuid,
        message_id -> Nullable<Uuid>,
        direction -> Text,
        rfc_message_id -> Text,
        raw_storage_key -> Nullable<Text>,
        spf -> Nullable<Text>,
        dkim -> Nullable<Text>,
        subject -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    file_deletions (storage_key) {
        storage_key -> Text,
        workspace_id -> Nullable<Uuid>,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    invitations (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        email -> Text,
        role -> Text,
        token_hash -> Bytea,
        invited_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        accepted_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    jobs (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        kind -> Text,
        dedupe_key -> Text,
        payload -> Jsonb,
        run_at -> Timestamptz,
        attempts -> Int4,
        locked_until -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        done_at -> Nullable<Timestamptz>,
        failed_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    labels (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        name -> Text,
        color -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    memberships (workspace_id, user_id) {
        workspace_id -> Uuid,
        user_id -> Uuid,
        role -> Text,
        created_at -> Timestamptz,
        away -> Bool,
        email_new_conversations -> Bool,
        online_until -> Nullable<Timestamptz>,
        last_assigned_at -> Nullable<Timestamptz>,
        desktop_new_conversation -> Bool,
        sound_new_conversation -> Bool,
        desktop_assigned -> Bool,
        sound_assigned -> Bool,
        email_assigned -> Bool,
        desktop_new_message -> Bool,
        sound_new_message -> Bool,
        email_new_message -> Bool,
    }
}

diesel::table! {
    messages (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        conversation_id -> Uuid,
        seq -> Int8,
        client_id -> Uuid,
        author_kind -> Text,
        author_id -> Nullable<Uuid>,
        body -> Text,
        private -> Bool,
        created_at -> Timestamptz,
        attachment_count -> Int2,
    }
}

diesel::table! {
    new_message_emails (workspace_id, conversation_id, user_id) {
        workspace_id -> Uuid,
        conversation_id -> Uuid,
        user_id -> Uuid,
        sent_at -> Timestamptz,
    }
}

diesel::table! {
    pending_conversation_notices (conversation_id) {
        conversation_id -> Uuid,
        workspace_id -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        user_id -> Uuid,
        token_hash -> Bytea,
        user_agent -> Text,
        ip -> Text,
        created_at -> Timestamptz,
        last_seen_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    stripe_events (id) {
        id -> Text,
        #[sql_name = "type"]
        type_ -> Text,
        workspace_id -> Nullable<Uuid>,
        processed_at -> Timestamptz,
    }
}

diesel::table! {
    uploads (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        uploader_kind -> Text,
        uploader_id -> Uuid,
        contact_id -> Nullable<Uuid>,
        conversation_id -> Nullable<Uuid>,
        message_id -> Nullable<Uuid>,
        position -> Nullable<Int2>,
        name -> Text,
        content_type -> Text,
        size -> Int8,
        width -> Nullable<Int4>,
        height -> Nullable<Int4>,
        storage_key -> Text,
        thumbnail_key -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    user_tokens (id) {
        id -> Uuid,
        user_id -> Uuid,
        purpose -> Text,
        token_hash -> Bytea,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        new_email -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        name -> Text,
        email -> Text,
        password_hash -> Text,
        email_verified_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        time_zone -> Nullable<Text>,
        avatar -> Nullable<Text>,
        language -> Text,
    }
}

diesel::table! {
    visitor_sessions (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        contact_id -> Uuid,
        created_at -> Timestamptz,
        last_seen_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        endpoint_id -> Uuid,
        event_id -> Uuid,
        event_type -> Text,
        payload -> Jsonb,
        state -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        response_status -> Nullable<Int4>,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        delivered_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        url -> Text,
        secret -> Text,
        events -> Array<Nullable<Text>>,
        enabled -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    widget_settings (workspace_id) {
        workspace_id -> Uuid,
        color -> Text,
        position -> Text,
        greeting -> Text,
        launcher_text -> Text,
        reply_time -> Text,
        require_email -> Bool,
        sound -> Bool,
        allowed_domains -> Array<Nullable<Text>>,
        identity_required -> Bool,
        identity_secret -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    workspace_texts (workspace_id, language) {
        workspace_id -> Uuid,
        language -> Text,
        greeting -> Text,
        launcher_text -> Text,
        offline_message -> Text,
        csat_question -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    workspaces (id) {
        id -> Uuid,
        name -> Text,
        site_key -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        hours_enabled -> Bool,
        time_zone -> Text,
        business_hours -> Jsonb,
        offline_message -> Text,
        followup_delay_seconds -> Int4,
        retention_days -> Nullable<Int4>,
        agents_online -> Bool,
        auto_assignment -> Text,
        assignment_limit -> Int4,
        csat_enabled -> Bool,
        default_language -> Text,
        inbound_slug -> Text,
    }
}

diesel::joinable!(agent_reply_counts -> workspaces (workspace_id));
diesel::joinable!(api_keys -> users (created_by));
diesel::joinable!(api_keys -> workspaces (workspace_id));
diesel::joinable!(audit_events -> users (actor_id));
diesel::joinable!(audit_events -> workspaces (workspace_id));
diesel::joinable!(billing_accounts -> workspaces (workspace_id));
diesel::joinable!(canned_responses -> workspaces (workspace_id));
diesel::joinable!(contact_attributes -> workspaces (workspace_id));
diesel::joinable!(contacts -> users (blocked_by));
diesel::joinable!(contacts -> workspaces (workspace_id));
diesel::joinable!(conversation_labels -> conversations (conversation_id));
diesel::joinable!(conversation_ratings -> conversations (conversation_id));
diesel::joinable!(conversation_ratings -> workspaces (workspace_id));
diesel::joinable!(conversations -> contacts (contact_id));
diesel::joinable!(conversations -> users (assignee_id));
diesel::joinable!(conversations -> workspaces (workspace_id));
diesel::joinable!(email_messages -> conversations (conversation_id));
diesel::joinable!(email_messages -> messages (message_id));
diesel::joinable!(email_messages -> workspaces (workspace_id));
diesel::joinable!(invitations -> users (invited_by));
diesel::joinable!(invitations -> workspaces (workspace_id));
diesel::joinable!(jobs -> workspaces (workspace_id));
diesel::joinable!(labels -> workspaces (workspace_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(memberships -> workspaces (workspace_id));
diesel::joinable!(messages -> conversations (conversation_id));
diesel::joinable!(messages -> workspaces (workspace_id));
diesel::joinable!(new_message_emails -> conversations (conversation_id));
diesel::joinable!(pending_conversation_notices -> conversations (conversation_id));
diesel::joinable!(pending_conversation_notices -> workspaces (workspace_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(stripe_events -> workspaces (workspace_id));
diesel::joinable!(uploads -> contacts (contact_id));
diesel::joinable!(uploads -> conversations (conversation_id));
diesel::joinable!(uploads -> messages (message_id));
diesel::joinable!(uploads -> workspaces (workspace_id));
diesel::joinable!(user_tokens -> users (user_id));
diesel::joinable!(visitor_sessions -> contacts (contact_id));
diesel::joinable!(visitor_sessions -> workspaces (workspace_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_deliveries -> workspaces (workspace_id));
diesel::joinable!(webhook_endpoints -> workspaces (workspace_id));
diesel::joinable!(widget_settings -> workspaces (workspace_id));
diesel::joinable!(workspace_texts -> workspaces (workspace_id));

diesel::allow_tables_to_appear_in_same_query!(
    agent_reply_counts,
    api_keys,
    audit_events,
    billing_accounts,
    canned_responses,
    contact_attributes,
    contacts,
    conversation_labels,
    conversation_ratings,
    conversations,
    email_messages,
    file_deletions,
    invitations,
    jobs,
    labels,
    memberships,
    messages,
    new_message_emails,
    pending_conversation_notices,
    sessions,
    stripe_events,
    uploads,
    user_tokens,
    users,
    visitor_sessions,
    webhook_deliveries,
    webhook_endpoints,
    widget_settings,
    workspace_texts,
    workspaces,
);
