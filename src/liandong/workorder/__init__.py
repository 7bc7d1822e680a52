"""Work orders (工单): the 12345 order lifecycle, deadlines and timeline."""
