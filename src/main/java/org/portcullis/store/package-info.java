/**
 * The persistent state behind the interfaces its callers own; {@code store.sqlite} implements them.
 * Only {@code app} chooses the implementation, so another backend is a change here and there only.
 */
package org.portcullis.store;
