package checks

// Placeholder: the QUOTA checks are being written.
var quota001, quota002, quota003, quota004, quota005 Check
