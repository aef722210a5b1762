"""The dialogs: small screens over another, answered and gone (confirm, the open-call
offer, a call attempt, a long note, a new date, the question bank, help)."""
