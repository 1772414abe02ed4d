"""The browser desk (`draftdesk web`): 自查, 收稿, 录用登记, 考核 and 台账 over the service layer."""
