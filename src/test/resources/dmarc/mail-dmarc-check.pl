#!/usr/bin/perl
# DmarcCrossCheckTest's driver for Debian's libmail-dmarc-perl (Mail::DMARC::PurePerl): reads
# "from|spf-pass-domain or -|dkim-pass-domains (comma-separated) or -" lines on stdin, evaluates
# each against the name server on 127.0.0.1:<port>, prints "from|result|disposition".
use strict;
use warnings;
use Mail::DMARC::PurePerl;
use Net::DNS::Resolver;

my $port = shift or die "usage: $0 dns-port\n";
my $resolver = Net::DNS::Resolver->new(nameservers => ['127.0.0.1'], port => $port, recurse => 1,
    dnsrch => 0, defnames => 0, udp_timeout => 2, tcp_timeout => 2, retry => 1);
$| = 1;
while (my $line = <STDIN>) {
    chomp $line;
    next if $line eq '';
    my ($from, $spf, $dkim) = split /\|/, $line, -1;
    my $dmarc = Mail::DMARC::PurePerl->new;
    $dmarc->set_resolver($resolver);
    $dmarc->header_from($from);
    $dmarc->spf($spf eq '-' ? { domain => 'unrelated.invalid', scope => 'mfrom', result => 'fail' }
        : { domain => $spf, scope => 'mfrom', result => 'pass' });
    $dmarc->dkim([ map { { domain => $_, selector => 's1', result => 'pass' } } grep { $_ ne '-' } split /,/, $dkim ]);
    my $result = $dmarc->validate;
    print join('|', $from, $result->result, $result->disposition), "\n";
}
