/**
 * Tenants manage their own side (seed 000's enterprise customer): a tenant administrator is a user
 * bound to one or more of our domains, made by the operator ({@code portcullis tenant add}), who logs
 * in to {@code /tenant/} (or uses a tenant API token) and sees and changes only what belongs to those
 * domains. {@link org.portcullis.tenant.TenantAdmin#owns} is the one test every tenant page and API
 * route applies; {@link org.portcullis.tenant.TenantAdmins} creates, finds and logs them in.
 */
package org.portcullis.tenant;
