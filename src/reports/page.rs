//! The reports page, `/app/{workspace}/reports`, and its CSV downloads.
