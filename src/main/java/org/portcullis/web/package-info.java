/**
 * The web listener: metrics, the JSON API with token authentication, the public portal
 * (explanations of refusals, lookups, whitelist and delisting requests) and the admin pages. Every
 * field is bounded and every error is a page or JSON, never a stack trace; it reads the services it
 * is given and builds none of its own.
 */
package org.portcullis.web;
