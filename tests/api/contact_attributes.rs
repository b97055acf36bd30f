//! Custom contact attributes: admins define them in Settings (agents cannot), every member fills
//! them in on a contact's page and in the inbox's contact panel, each value checked by its type;
//! the REST API defines, lists and deletes them and sets contacts' values; the widget's values
//! are checked by the same definitions. No workspace reaches another's.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{Browser, Person, Role, TestApp, location, spawn_app, unescape_html},
    rest_api::Api,
};

/// An admin adds an attribute in Settings, Contact attributes; returns its id, read from its
/// edit form.
async fn add_attribute(browser: &Browser, workspace: &str, label: &str, key: &str, value_type: &str, options: &str) -> String {
    let fields = [("label", label), ("key", key), ("value_type", value_type), ("options", options)];
    let response = browser.post_form(&format!("/app/{workspace}/settings/attributes"), &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap_or_default());
    assert!(location(&response).ends_with("notice=attribute_created"));
    attribute_id(browser, workspace, &label.split_whitespace().collect::<Vec<_>>().join(" ")).await
}

/// The id of the attribute labelled `label`, from the settings page.
async fn attribute_id(browser: &Browser, workspace: &str, label: &str) -> String {
    let page = unescape_html(&browser.get_html(&format!("/app/{workspace}/settings/attributes")).await);
    let at = page.find(&format!("value=\"{label}\"")).unwrap_or_else(|| panic!("the attribute {label} is listed"));
    let action = page[..at].rfind("/settings/attributes/").expect("its edit form") + "/settings/attributes/".len();
    page[action..action + 36].to_string()
}

/// A contact's stored attributes.
fn stored(app: &TestApp, contact: &str) -> Value {
    let text = app.query_string(&format!("SELECT attributes::text AS value FROM contacts WHERE id = '{contact}'")).expect("the contact");
    serde_json::from_str(&text).unwrap()
}

/// Company (text), Seats (number), Renews on (date), VIP (boolean) and Plan (list: Free, Pro,
/// Enterprise), added by the owner.
async fn define_one_of_each(browser: &Browser, workspace: &str) {
    add_attribute(browser, workspace, "Company", "", "text", "").await;
    add_attribute(browser, workspace, "Seats", "", "number", "").await;
    add_attribute(browser, workspace, "Renews on", "", "date", "").await;
    add_attribute(browser, workspace, "VIP", "", "boolean", "").await;
    add_attribute(browser, workspace, "Plan", "", "list", "Free\nPro\nEnterprise").await;
}

#[tokio::test]
async fn admins_define_rename_and_delete_contact_attributes_and_agents_cannot() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let settings = ws.owner.browser.get_html(&format!("/app/{}/settings", ws.id)).await;
    assert!(settings.contains(&format!("href=\"/app/{}/settings/attributes\">Contact attributes</a>", ws.id)), "linked from Settings");
    let page = ws.owner.browser.get_html(&format!("/app/{}/settings/attributes", ws.id)).await;
    assert!(page.contains("No attributes yet"), "an empty state says what to do");
    for label in
        ["<label for=\"attribute-label\">Label</label>", "<label for=\"attribute-key\">Key", "<label for=\"attribute-type\">Type</label>"]
    {
        assert!(page.contains(label), "{label}");
    }

    // The key comes from the label unless one is typed; a list keeps its options, tidied.
    let plan = add_attribute(&ws.owner.browser, &ws.id, "  Plan   tier ", "", "list", " Free \n\nPro\r\nEnterprise\n").await;
    add_attribute(&ws.owner.browser, &ws.id, "Société", "", "text", "ignored: only a list has options").await;
    add_attribute(&ws.owner.browser, &ws.id, "Seats", "seatCount", "number", "").await;
    assert_eq!(
        app.query_string(&format!(
            "SELECT key || '|' || label || '|' || value_type || '|' || array_to_string(options, ',') AS value FROM contact_attributes WHERE id = '{plan}'"
        ))
        .as_deref(),
        Some("plan_tier|Plan tier|list|Free,Pro,Enterprise")
    );
    assert_eq!(
        app.query_string("SELECT string_agg(key || ':' || cardinality(options), ' ' ORDER BY id) AS value FROM contact_attributes")
            .as_deref(),
        Some("plan_tier:3 societe:0 seatCount:0")
    );
    let page = unescape_html(&ws.owner.browser.get_html(&format!("/app/{}/settings/attributes", ws.id)).await);
    assert!(page.contains("<code>plan_tier</code>") && page.contains("<code>seatCount</code>"), "admins see the keys");

    // Refused beside the field, with what was typed kept; nothing is stored.
    for (fields, field, says) in [
        (vec![("label", "  "), ("value_type", "text")], "attribute-label-error", "A label is 1 to 60 characters."),
        (
            vec![("label", "Seats"), ("key", "SEATCOUNT"), ("value_type", "text")],
            "attribute-key-error",
            "with the key “SEATCOUNT” exists already",
        ),
        (
            vec![("label", "Plan"), ("key", "plan tier"), ("value_type", "list"), ("options", "A")],
            "attribute-key-error",
            "A key is 1 to 64 letters",
        ),
        (vec![("label", "日本語"), ("value_type", "text")], "attribute-key-error", "This label gives no key"),
        (vec![("label", "Size"), ("value_type", "list"), ("options", "\n \n")], "attribute-options-error", "A list has 1 to 50 options."),
        (
            vec![("label", "Size"), ("value_type", "list"), ("options", "Small\nsmall")],
            "attribute-options-error",
            "“small” is listed twice.",
        ),
        (
            vec![("label", "Size"), ("value_type", "list"), ("options", &"x".repeat(101))],
            "attribute-options-error",
            "An option is 1 to 100 characters.",
        ),
        (vec![("label", "Size"), ("value_type", "colour")], "attribute-type-error", "Choose a type"),
    ] {
        let response = ws.owner.browser.post_form(&format!("/app/{}/settings/attributes", ws.id), &fields).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        let html = unescape_html(&response.text().await.unwrap());
        let error = html.find(&format!("id=\"{field}\"")).unwrap_or_else(|| panic!("{fields:?}: no {field} in {html}"));
        assert!(html[error..].split("</p>").next().unwrap().contains(says), "{fields:?}: {}", &html[error..error + 200]);
        assert!(html.contains(&format!("value=\"{}\"", fields[0].1)), "the label typed stays");
    }
    assert_eq!(app.count("contact_attributes"), 3);

    // Renamed, and the list's options changed; the key and type stay.
    let path = format!("/app/{}/settings/attributes/{plan}", ws.id);
    let renamed = ws.owner.browser.post_form(&path, &[("label", "Plan"), ("options", "Free\nPro\nBusiness")]).await;
    assert_eq!(renamed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.query_string(&format!(
            "SELECT key || '|' || label || '|' || array_to_string(options, ',') AS value FROM contact_attributes WHERE id = '{plan}'"
        ))
        .as_deref(),
        Some("plan_tier|Plan|Free,Pro,Business")
    );
    let refused = ws.owner.browser.post_form(&path, &[("label", "Plan"), ("options", "")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = unescape_html(&refused.text().await.unwrap());
    assert!(
        html.contains(&format!("<p class=\"field-error\" id=\"error-{plan}\" role=\"alert\">A list has 1 to 50 options.</p>")),
        "{html}"
    );
    assert!(html.contains(&format!("aria-describedby=\"options-hint-{plan} error-{plan}\" aria-invalid=\"true\"")), "the box points at it");

    // An agent reaches none of it, and changes nothing.
    let agent = ws.add_member(Role::Agent).await;
    assert_eq!(agent.browser.get(&format!("/app/{}/settings/attributes", ws.id)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(agent.browser.get(&format!("{path}/delete")).await.status(), StatusCode::FORBIDDEN);
    for (form_path, fields) in [
        (format!("/app/{}/settings/attributes", ws.id), vec![("label", "Mine"), ("value_type", "text")]),
        (path.clone(), vec![("label", "Taken over"), ("options", "A")]),
        (format!("{path}/delete"), vec![]),
    ] {
        assert_eq!(agent.browser.post_form(&form_path, &fields).await.status(), StatusCode::FORBIDDEN, "{form_path}");
    }
    let agents_settings = agent.browser.get_html(&format!("/app/{}/settings", ws.id)).await;
    assert!(!agents_settings.contains("/settings/attributes"), "not offered to agents");

    // Another workspace's admin: 404 for this workspace's attribute, also through their own workspace.
    let other_browser = app.new_browser();
    let other = app.sign_up_workspace_as(&other_browser, Person::new("Eve")).await;
    assert_eq!(other.owner.browser.get(&format!("/app/{}/settings/attributes", ws.id)).await.status(), StatusCode::NOT_FOUND);
    for own in [&other.id, &ws.id] {
        let theirs = format!("/app/{own}/settings/attributes/{plan}");
        assert_eq!(other.owner.browser.get(&format!("{theirs}/delete")).await.status(), StatusCode::NOT_FOUND, "{theirs}");
        let update = other.owner.browser.post_form(&theirs, &[("label", "Stolen"), ("options", "A")]).await;
        assert_eq!(update.status(), StatusCode::NOT_FOUND, "{theirs}");
        assert_eq!(other.owner.browser.post_form(&format!("{theirs}/delete"), &[]).await.status(), StatusCode::NOT_FOUND);
    }
    assert_eq!(app.query_string(&format!("SELECT label AS value FROM contact_attributes WHERE id = '{plan}'")).as_deref(), Some("Plan"));

    // Deleting asks first, saying how many contacts lose a value; then removes the values of this
    // workspace's contacts only, in the same step.
    let (ours, _) = ws.visitor_says("Hello").await;
    let (mine_too, _) = ws.visitor_says("Hello again").await;
    let (theirs, _) = other.visitor_says("Hello there").await;
    for contact in [&ours.contact_id, &mine_too.contact_id, &theirs.contact_id] {
        app.execute(&format!("UPDATE contacts SET attributes = '{{\"plan_tier\": \"Pro\", \"kept\": 1}}' WHERE id = '{contact}'"));
    }
    let confirm = unescape_html(&ws.owner.browser.get_html(&format!("{path}/delete")).await);
    assert!(confirm.contains("Delete “Plan”?") && confirm.contains("<strong>2 contacts</strong>"), "{confirm}");
    assert!(confirm.contains("Delete attribute and its values") && confirm.contains("Cancel"));
    assert_eq!(app.count("contact_attributes"), 3, "asking deletes nothing");
    let deleted = ws.owner.browser.post_form(&format!("{path}/delete"), &[]).await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert!(location(&deleted).ends_with("notice=attribute_deleted"));
    assert_eq!(app.count("contact_attributes"), 2);
    assert_eq!(stored(&app, &ours.contact_id), json!({"kept": 1}));
    assert_eq!(stored(&app, &mine_too.contact_id), json!({"kept": 1}));
    assert_eq!(stored(&app, &theirs.contact_id), json!({"plan_tier": "Pro", "kept": 1}), "another workspace's contact keeps its own");

    // The audit log tells the story; the workspace export carries the definitions.
    let audit = unescape_html(&ws.owner.browser.get_html(&format!("/app/{}/settings/audit", ws.id)).await);
    for says in [
        "Added a contact attribute",
        "Plan tier (plan_tier, list)",
        "Changed a contact attribute",
        "renamed from Plan tier; options now Free, Pro, Business",
        "Deleted a contact attribute and its values",
        "its value removed from 2 contacts",
    ] {
        assert!(audit.contains(says), "the audit log says {says}");
    }
    let export = ws.owner.browser.get_html(&format!("/app/{}/settings/export", ws.id)).await;
    let lines: Vec<Value> = export.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    let exported: Vec<&Value> = lines.iter().filter(|l| l["type"] == "contact_attribute").map(|l| &l["row"]).collect();
    assert_eq!(exported.len(), 2);
    assert_eq!((exported[0]["key"].as_str(), exported[0]["value_type"].as_str()), (Some("societe"), Some("text")));
    assert!(exported[0].get("workspace_id").is_none());
}

#[tokio::test]
async fn a_workspace_has_at_most_fifty_contact_attributes() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    app.execute(&format!(
        "INSERT INTO contact_attributes (id, workspace_id, key, label, value_type) SELECT gen_random_uuid(), '{}', 'field_' || n, 'Field ' || n, 'text' FROM generate_series(1, 49) n",
        ws.id
    ));
    add_attribute(&ws.owner.browser, &ws.id, "The fiftieth", "", "text", "").await;
    let page = ws.owner.browser.get_html(&format!("/app/{}/settings/attributes", ws.id)).await;
    assert!(page.contains("50 of 50") && page.contains("the most it can have"), "the form gives way to the limit");
    let response =
        ws.owner.browser.post_form(&format!("/app/{}/settings/attributes", ws.id), &[("label", "One more"), ("value_type", "text")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("A workspace has at most 50 contact attributes; delete one to add another."));
    let admin = Api { app: &app, key: ws.api_key(&["admin"]).await };
    let (status, body) = admin.call(Method::POST, "/api/v1/contact_attributes", Some(json!({"label": "Another", "type": "text"}))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(app.count("contact_attributes"), 50);
}

#[tokio::test]
async fn members_fill_in_attributes_by_type_and_a_refused_value_changes_nothing() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let (visitor, conversation) = ws.visitor_says("Hi, I need help with my plan").await;
    let contact = visitor.contact_id.clone();
    let agent = ws.add_member(Role::Agent).await;

    // Before any definition: the page says so, and where to define them (to admins).
    let page = unescape_html(&agent.browser.get_html(&format!("/app/{}/contacts/{contact}", ws.id)).await);
    assert!(page.contains("No contact attributes are defined yet.") && page.contains("Owners and admins define them in Settings."));
    let page = ws.owner.browser.get_html(&format!("/app/{}/contacts/{contact}", ws.id)).await;
    assert!(page.contains(&format!("href=\"/app/{}/settings/attributes\">Define attributes</a>", ws.id)));

    define_one_of_each(&ws.owner.browser, &ws.id).await;
    app.execute(&format!("UPDATE contacts SET attributes = '{{\"utm_source\": \"newsletter\"}}' WHERE id = '{contact}'"));

    // Each type has its input, with its label; a key without a definition is read-only.
    let page = unescape_html(&agent.browser.get_html(&format!("/app/{}/contacts/{contact}", ws.id)).await);
    for input in [
        "<label for=\"attribute-company\">Company</label>",
        "id=\"attribute-company\" name=\"attribute.company\" type=\"text\" value=\"\" maxlength=\"500\"",
        "<label for=\"attribute-seats\">Seats</label>",
        "id=\"attribute-seats\" name=\"attribute.seats\" type=\"number\" value=\"\" step=\"any\"",
        "<label for=\"attribute-renews_on\">Renews on</label>",
        "id=\"attribute-renews_on\" name=\"attribute.renews_on\" type=\"date\"",
        "<input type=\"hidden\" name=\"shown.vip\" value=\"1\">",
        "<label class=\"inline\" for=\"attribute-vip\"><input id=\"attribute-vip\" name=\"attribute.vip\" type=\"checkbox\" value=\"true\"> VIP</label>",
        "<label for=\"attribute-plan\">Plan</label>",
        "<select id=\"attribute-plan\" name=\"attribute.plan\">",
        "<option value=\"Enterprise\">Enterprise</option>",
    ] {
        assert!(page.contains(input), "{input} in {page}");
    }
    assert!(page.contains("Other attributes") && page.contains("<dt><code>utm_source</code></dt><dd>newsletter</dd>"));
    assert!(!page.contains("name=\"attribute.utm_source\""), "not editable");

    // An agent saves good values: each stored as its type.
    let save = format!("/app/{}/contacts/{contact}/attributes", ws.id);
    let good = [
        ("attribute.company", "  Acme Ltd "),
        ("attribute.seats", "12"),
        ("attribute.renews_on", "2027-01-31"),
        ("shown.vip", "1"),
        ("attribute.vip", "true"),
        ("attribute.plan", "pro"),
    ];
    let response = agent.browser.post_form(&save, &good).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap_or_default());
    assert!(location(&response).ends_with(&format!("/contacts/{contact}?notice=attributes_saved")));
    let saved =
        json!({"company": "Acme Ltd", "seats": 12, "renews_on": "2027-01-31", "vip": true, "plan": "Pro", "utm_source": "newsletter"});
    assert_eq!(stored(&app, &contact), saved);
    let page = unescape_html(&agent.browser.get_html(&format!("/app/{}/contacts/{contact}?notice=attributes_saved", ws.id)).await);
    assert!(page.contains("The contact's attributes are saved."));
    assert!(page.contains("type=\"number\" value=\"12\"") && page.contains("type=\"date\" value=\"2027-01-31\""));
    assert!(page.contains("type=\"checkbox\" value=\"true\" checked> VIP") && page.contains("<option value=\"Pro\" selected>Pro</option>"));

    // Each type refuses what does not fit: the error beside its field, what was typed kept, and
    // nothing saved, not even the other fields' good values.
    for (field, bad, says) in [
        ("company", "x".repeat(501), "Use at most 500 characters."),
        ("company", "two\nlines".to_string(), "Use one line of text"),
        ("seats", "twelve".to_string(), "Enter a number, like 42 or 3.5."),
        ("seats", "NaN".to_string(), "Enter a number"),
        ("seats", "1e999".to_string(), "Enter a number"),
        ("renews_on", "2027-02-30".to_string(), "Enter a date as YYYY-MM-DD"),
        ("renews_on", "31/01/2027".to_string(), "Enter a date as YYYY-MM-DD"),
        ("plan", "Gold".to_string(), "Choose one of its options: Free, Pro, Enterprise."),
    ] {
        let name = format!("attribute.{field}");
        let fields = [(name.as_str(), bad.as_str()), ("attribute.company", "Changed Ltd")];
        let fields = if field == "company" { &fields[..1] } else { &fields[..] };
        let response = agent.browser.post_form(&save, fields).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field} {bad}");
        let html = unescape_html(&response.text().await.unwrap());
        assert!(html.contains("Nothing was saved: correct the fields marked below."));
        let error = html.find(&format!("<p class=\"field-error\" id=\"attribute-{field}-error\">")).expect("an error beside the field");
        assert!(html[error..].split("</p>").next().unwrap().contains(says), "{field}: {}", &html[error..error + 150]);
        assert!(html.contains(&format!("aria-describedby=\"attribute-{field}-error\"")), "the input points at its error");
        if field != "company" {
            assert!(html.contains("value=\"Changed Ltd\""), "what was typed stays");
        }
        assert_eq!(stored(&app, &contact), saved, "{field} {bad}: nothing changed");
    }

    // Emptied fields are cleared; unticking the box is "no"; an unchanged field stays as it is.
    let response = agent
        .browser
        .post_form(
            &save,
            &[
                ("attribute.company", "Acme Ltd"),
                ("attribute.seats", " "),
                ("attribute.renews_on", ""),
                ("shown.vip", "1"),
                ("attribute.plan", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored(&app, &contact), json!({"company": "Acme Ltd", "vip": false, "utm_source": "newsletter"}));

    // A value stored before its definition existed is shown as it is, and kept when the form is
    // saved for another field.
    app.execute(&format!("UPDATE contacts SET attributes = attributes || '{{\"seats\": \"lots\"}}' WHERE id = '{contact}'"));
    let page = unescape_html(&agent.browser.get_html(&format!("/app/{}/contacts/{contact}", ws.id)).await);
    assert!(page.contains("id=\"attribute-seats\" name=\"attribute.seats\" type=\"text\" value=\"lots\""), "{page}");
    assert!(page.contains("Stored before this attribute was defined"));
    let response = agent.browser.post_form(&save, &[("attribute.seats", "lots"), ("attribute.company", "Acme Inc")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored(&app, &contact)["seats"], "lots");
    assert_eq!(stored(&app, &contact)["company"], "Acme Inc");

    // The inbox's contact panel has the same form, and comes back to the conversation.
    let inbox = unescape_html(&agent.browser.get_html(&format!("/app/{}/inbox/{conversation}", ws.id)).await);
    assert!(inbox.contains(&format!("action=\"/app/{}/contacts/{contact}/attributes\"", ws.id)));
    assert!(inbox.contains(&format!("<input type=\"hidden\" name=\"conversation_id\" value=\"{conversation}\">")));
    assert!(inbox.contains("<label for=\"attribute-seats\">Seats</label>") && inbox.contains("<dt><code>utm_source</code></dt>"));
    let from_inbox = agent.browser.post_form(&save, &[("attribute.plan", "Enterprise"), ("conversation_id", &conversation)]).await;
    assert_eq!(from_inbox.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&from_inbox).contains(&format!("/inbox/{conversation}?")) && location(&from_inbox).ends_with("notice=attributes_saved")
    );
    assert_eq!(stored(&app, &contact)["plan"], "Enterprise");
    let refused = agent.browser.post_form(&save, &[("attribute.renews_on", "soon"), ("conversation_id", &conversation)]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "shown on the contact's page, beside the field");
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("id=\"attribute-renews_on-error\"") && html.contains(&format!("name=\"conversation_id\" value=\"{conversation}\""))
    );

    // Someone of another workspace reaches neither the form nor the contact; nothing changes.
    let before = stored(&app, &contact);
    let other_browser = app.new_browser();
    let other = app.sign_up_workspace_as(&other_browser, Person::new("Eve")).await;
    define_one_of_each(&other.owner.browser, &other.id).await;
    for path in [save.clone(), format!("/app/{}/contacts/{contact}/attributes", other.id)] {
        let response = other.owner.browser.post_form(&path, &[("attribute.company", "Evil Corp")]).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(stored(&app, &contact), before);
    let without_token = agent.browser.post_raw(&save, &[("attribute.company", "No token")]).await;
    assert_eq!(without_token.status(), StatusCode::FORBIDDEN, "forms carry their CSRF token");
    assert_eq!(stored(&app, &contact), before);
}

#[tokio::test]
async fn the_rest_api_defines_and_deletes_attributes_and_sets_their_values_within_its_workspace() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let (visitor, _) = ws.visitor_says("Hello").await;
    let contact = visitor.contact_id.clone();
    let reader = Api { app: &app, key: ws.api_key_named("Reader", &["read"]).await };
    let writer = Api { app: &app, key: ws.api_key_named("Writer", &["read", "write"]).await };
    let admin = Api { app: &app, key: ws.api_key_named("Admin", &["read", "admin"]).await };

    assert_eq!(reader.get("/api/v1/contact_attributes").await, (StatusCode::OK, json!({"data": []})));
    let plan = json!({"label": "Plan", "type": "list", "options": ["Free", " Pro ", "Enterprise"]});
    for api in [&reader, &writer] {
        let (status, _) = api.call(Method::POST, "/api/v1/contact_attributes", Some(plan.clone())).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "defining attributes takes the admin scope");
    }
    let (status, created) = admin.call(Method::POST, "/api/v1/contact_attributes", Some(plan.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["key"], "plan");
    assert_eq!(created["type"], "list");
    assert_eq!(created["options"], json!(["Free", "Pro", "Enterprise"]));
    let plan_id = created["id"].as_str().unwrap().to_string();
    for (body, code) in [
        (json!({"label": "Seats", "type": "number"}), StatusCode::CREATED),
        (json!({"label": "Renewal", "key": "renews_on", "type": "date"}), StatusCode::CREATED),
        (json!({"label": "VIP", "type": "boolean"}), StatusCode::CREATED),
        (json!({"label": "Company", "type": "text"}), StatusCode::CREATED),
        (json!({"label": "Plan again", "key": "PLAN", "type": "text"}), StatusCode::CONFLICT),
        (json!({"label": "Size", "type": "list"}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"label": "Size", "type": "list", "options": ["S", "s"]}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"label": "Size", "type": "text", "options": ["S"]}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"label": "日本語", "type": "text"}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"label": "Size", "type": "colour"}), StatusCode::BAD_REQUEST),
        (json!({"label": "Size", "key": " size", "type": "text"}), StatusCode::BAD_REQUEST),
        (json!({"label": "Size", "key": "size.large", "type": "text"}), StatusCode::BAD_REQUEST),
        (json!({"label": "", "type": "text"}), StatusCode::BAD_REQUEST),
        (json!({"label": "Size", "type": "text", "extra": 1}), StatusCode::BAD_REQUEST),
    ] {
        let (status, answer) = admin.call(Method::POST, "/api/v1/contact_attributes", Some(body.clone())).await;
        assert_eq!(status, code, "{body}: {answer}");
    }
    let (_, list) = reader.get("/api/v1/contact_attributes").await;
    let keys: Vec<&str> = list["data"].as_array().unwrap().iter().map(|d| d["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["plan", "seats", "renews_on", "vip", "company"]);

    // Contacts carry their attributes; a write key sets them, each checked by its type.
    app.execute(&format!("UPDATE contacts SET attributes = '{{\"legacy\": \"x\"}}' WHERE id = '{contact}'"));
    let patch = format!("/api/v1/contacts/{contact}");
    let values = json!({"attributes": {"plan": "enterprise", "seats": 12.5, "renews_on": "2027-01-31", "vip": true, "company": " Acme "}});
    assert_eq!(reader.call(Method::PATCH, &patch, Some(values.clone())).await.0, StatusCode::FORBIDDEN);
    let (status, patched) = writer.call(Method::PATCH, &patch, Some(values)).await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    let expected = json!({"plan": "Enterprise", "seats": 12.5, "renews_on": "2027-01-31", "vip": true, "company": "Acme", "legacy": "x"});
    assert_eq!(patched["attributes"], expected);
    let (_, contacts) = reader.get("/api/v1/contacts").await;
    assert_eq!(contacts["data"][0]["attributes"], expected);

    for (attributes, says) in [
        (json!({"seats": "12"}), "attributes.seats: expected a number"),
        (json!({"renews_on": "2027-02-30"}), "attributes.renews_on: Enter a date as YYYY-MM-DD"),
        (json!({"renews_on": 20270131}), "attributes.renews_on: expected a date"),
        (json!({"vip": "yes"}), "attributes.vip: expected true or false."),
        (json!({"plan": "Gold"}), "attributes.plan: Choose one of its options: Free, Pro, Enterprise."),
        (json!({"company": "x".repeat(501)}), "attributes.company: Use at most 500 characters."),
        (json!({"company": ["Acme"]}), "attributes.company: expected text"),
        (json!({"company": "Fine", "nickname": "Al"}), "attributes.nickname: no contact attribute has this key"),
    ] {
        let body = json!({"name": "Renamed", "attributes": attributes});
        let (status, error) = writer.call(Method::PATCH, &patch, Some(body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{attributes}");
        assert!(error["error"]["message"].as_str().unwrap().contains(says), "{attributes}: {error}");
        assert_eq!(stored(&app, &contact), expected, "{attributes}: nothing changed");
        assert_eq!(app.query_string(&format!("SELECT name AS value FROM contacts WHERE id = '{contact}'")), None, "nor the name");
    }

    // null (or an empty string) clears, for a key without a definition too; keys left out stay.
    let (status, patched) =
        writer.call(Method::PATCH, &patch, Some(json!({"attributes": {"seats": null, "company": "", "legacy": null}}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(patched["attributes"], json!({"plan": "Enterprise", "renews_on": "2027-01-31", "vip": true}));

    // Another workspace's key reaches none of it; an unknown attribute is not found.
    let other_browser = app.new_browser();
    let other = app.sign_up_workspace_as(&other_browser, Person::new("Eve")).await;
    let stranger = Api { app: &app, key: other.api_key_named("Stranger", &["read", "write", "admin"]).await };
    assert_eq!(stranger.get("/api/v1/contact_attributes").await.1, json!({"data": []}));
    assert_eq!(stranger.call(Method::DELETE, &format!("/api/v1/contact_attributes/{plan_id}"), None).await.0, StatusCode::NOT_FOUND);
    let (status, _) = stranger.call(Method::POST, "/api/v1/contact_attributes", Some(json!({"label": "Plan", "type": "text"}))).await;
    assert_eq!(status, StatusCode::CREATED, "the same key in another workspace is another attribute");
    let (status, _) = stranger.call(Method::PATCH, &patch, Some(json!({"attributes": {"plan": "mine"}}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(admin.call(Method::DELETE, "/api/v1/contact_attributes/not-an-id", None).await.0, StatusCode::NOT_FOUND);
    let unknown = format!("/api/v1/contact_attributes/{}", uuid::Uuid::now_v7());
    assert_eq!(admin.call(Method::DELETE, &unknown, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(stored(&app, &contact)["plan"], "Enterprise");

    // Deleted by an admin key, with its values.
    let delete = format!("/api/v1/contact_attributes/{plan_id}");
    assert_eq!(writer.call(Method::DELETE, &delete, None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(admin.call(Method::DELETE, &delete, None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(stored(&app, &contact), json!({"renews_on": "2027-01-31", "vip": true}));
    assert_eq!(reader.get("/api/v1/contact_attributes").await.1["data"].as_array().unwrap().len(), 4);
    let audit = unescape_html(&ws.owner.browser.get_html(&format!("/app/{}/settings/audit", ws.id)).await);
    assert!(audit.contains("(API key)") && audit.contains("Plan (plan, list), its value removed from 1 contact"), "{audit}");
}

#[tokio::test]
async fn the_widget_sets_attributes_checked_by_their_definitions() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    add_attribute(&ws.owner.browser, &ws.id, "Seats", "", "number", "").await;
    add_attribute(&ws.owner.browser, &ws.id, "Plan", "", "list", "Free\nPro").await;
    let (token, contact) = crate::socket_client::widget_session(&app, &ws.site_key).await;
    let context = |attributes: Value| {
        let request = reqwest::Client::new()
            .post(format!("{}/api/widget/v1/context", app.address))
            .body(json!({"visitor_token": token, "attributes": attributes}).to_string());
        async move {
            let response = request.send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };

    // Parlor.setAttributes: defined keys by their type, others free-form as before.
    let (status, body) = context(json!({"seats": 3, "plan": "pro", "utm_source": "ads"})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(stored(&app, &contact), json!({"seats": 3, "plan": "Pro", "utm_source": "ads"}));
    for (bad, says) in [(json!({"seats": "three", "utm_source": "mail"}), "seats"), (json!({"plan": "Gold"}), "Choose one of its options")]
    {
        let (status, body) = context(bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(body.contains(says), "{bad}: {body}");
        assert_eq!(stored(&app, &contact), json!({"seats": 3, "plan": "Pro", "utm_source": "ads"}), "{bad}: nothing changed");
    }
    let both = json!({"visitor_token": token, "context": {"url": "https://shop.example.com/pricing"}, "attributes": {"seats": "3"}});
    let response =
        reqwest::Client::new().post(format!("{}/api/widget/v1/context", app.address)).body(both.to_string()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let page = app.query_string(&format!("SELECT current_url AS value FROM contacts WHERE id = '{contact}'"));
    assert_eq!(page, None, "the page of a refused request is not recorded either");
    let (status, _) = context(json!({"seats": null, "utm_source": null})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(stored(&app, &contact), json!({"plan": "Pro"}), "null removes an attribute");
    let (status, body) = context(json!({"note": "a\u{0}b"})).await;
    assert_eq!((status, body.contains("without NUL")), (StatusCode::BAD_REQUEST, true), "{body}");

    // A session that brings a value that does not fit is refused before any visitor is made.
    let contacts = app.count("contacts");
    let response = reqwest::Client::new()
        .post(format!("{}/api/widget/v1/sessions", app.address))
        .json(&json!({"site_key": ws.site_key, "attributes": {"seats": true}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.count("contacts"), contacts);
    let response = reqwest::Client::new()
        .post(format!("{}/api/widget/v1/sessions", app.address))
        .json(&json!({"site_key": ws.site_key, "attributes": {"seats": 40, "plan": "free"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let visitor: Value = response.json().await.unwrap();
    assert_eq!(stored(&app, visitor["visitor_id"].as_str().unwrap()), json!({"seats": 40, "plan": "Free"}));
}

/// The settings page and a contact's page, on a phone and on a laptop: nothing wider than the
/// screen. The screenshots are left in the temporary directory for people to look at.
#[tokio::test]
async fn the_attribute_pages_fit_a_phone_and_a_laptop() {
    let app = crate::helpers::spawn_app_on_public_url().await;
    let ws = app.sign_up_workspace().await;
    define_one_of_each(&ws.owner.browser, &ws.id).await;
    let (visitor, conversation) = ws.visitor_says("Hello, about my renewal").await;
    let contact = visitor.contact_id.clone();
    let values = [
        ("attribute.company", "Acme Ltd"),
        ("attribute.seats", "12"),
        ("attribute.renews_on", "2027-01-31"),
        ("shown.vip", "1"),
        ("attribute.vip", "true"),
        ("attribute.plan", "Pro"),
    ];
    let response = ws.owner.browser.post_form(&format!("/app/{}/contacts/{contact}/attributes", ws.id), &values).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    app.execute(&format!("UPDATE contacts SET attributes = attributes || '{{\"utm_source\": \"newsletter\"}}' WHERE id = '{contact}'"));

    let chromium = crate::chromium::Chromium::launch().await;
    for width in [390, 1280] {
        let page = chromium.new_page(width).await;
        page.set_cookies(&app.address, &app.browser.cookie_header()).await;
        for (name, path, text) in [
            ("settings-attributes", format!("/app/{}/settings/attributes", ws.id), "Renews on"),
            ("contact-attributes", format!("/app/{}/contacts/{contact}", ws.id), "Other attributes"),
        ] {
            page.goto(&format!("{}{path}", app.address)).await;
            page.wait_for_text(text).await;
            let fits = page.eval("document.documentElement.scrollWidth <= window.innerWidth").await;
            assert_eq!(fits, json!(true), "{name} at {width} px is no wider than the screen");
            if name == "contact-attributes" {
                page.eval("document.getElementById('attributes-heading').scrollIntoView()").await;
            }
            page.screenshot(&std::env::temp_dir().join(format!("parlor-{name}-{width}.png"))).await;
            if name == "settings-attributes" {
                page.eval("document.getElementById('saved-attributes').scrollIntoView()").await;
                page.screenshot(&std::env::temp_dir().join(format!("parlor-{name}-list-{width}.png"))).await;
            }
        }
        if width == 1280 {
            page.goto(&format!("{}/app/{}/inbox/{conversation}", app.address, ws.id)).await;
            page.wait_for_text("Other attributes").await;
            page.eval("document.getElementById('attributes-heading').scrollIntoView()").await;
            page.screenshot(&std::env::temp_dir().join("parlor-inbox-attributes-1280.png")).await;
        }
        // The list's options show only while the type is a list.
        page.goto(&format!("{}/app/{}/settings/attributes", app.address, ws.id)).await;
        page.wait_for_text("New attribute").await;
        let options_shown = "getComputedStyle(document.querySelector('.attribute-options')).display !== 'none'";
        assert_eq!(page.eval(options_shown).await, json!(false), "text is the first type");
        page.eval("document.getElementById('attribute-type').value = 'list'").await;
        assert_eq!(page.eval(options_shown).await, json!(true));
    }
}
