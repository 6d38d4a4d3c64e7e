package checks

// Placeholder: the DNS checks are being written.
var dns001, dns002, dns003, dns004, dns005, dns006 Check
