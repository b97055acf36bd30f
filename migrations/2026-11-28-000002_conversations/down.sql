DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE visitor_sessions;
DROP TABLE contacts;
