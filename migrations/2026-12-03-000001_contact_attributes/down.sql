DROP TABLE contact_attributes;
