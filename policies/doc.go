// Package policies evaluates Rego v1 policies over one input document.
package policies
