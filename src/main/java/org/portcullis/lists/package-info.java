/**
 * Allow and deny lists and recipients' whitelists: entries checked from forms, address books
 * imported from CSV, vCard or plain lines, whitelist requests from refused senders, and the live
 * snapshot the policy consults without touching the store.
 */
package org.portcullis.lists;
