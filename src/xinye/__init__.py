"""xinye (新业): party-building and service work among new-economy workers."""
