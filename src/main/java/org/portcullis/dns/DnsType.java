package org.portcullis.dns;

/** The record types the gateway asks for. */
public enum DnsType { A, AAAA, PTR, MX, TXT, NS, SOA, CNAME }
