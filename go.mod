module c18n.local/stack-ferretdb

go 1.26.8
